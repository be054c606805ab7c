import Foundation
import PackagePlugin

/// Installs the Debian packages the suite builds against (system-packages.sh) before the build
/// plans its targets: `swift run sweep ...` on a fresh machine needs no other step. Applied to the
/// targets that link a system library (TensorCore: OpenBLAS, HDF5Log: libhdf5); when everything is
/// installed the check takes a few milliseconds and prints nothing.
@main
struct SystemPackages: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let script = context.package.directoryURL.appending(path: "Sources/SystemPackages/system-packages.sh")
        return [.prebuildCommand(displayName: "Checking the system packages (\(target.name))",
                                 executable: URL(fileURLWithPath: "/bin/sh"),
                                 arguments: [script.path],
                                 outputFilesDirectory: context.pluginWorkDirectoryURL.appending(path: "outputs"))]
    }
}
