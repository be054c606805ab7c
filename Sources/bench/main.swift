// Placeholder dispatcher until the LM benchmark lands.
let args = Array(CommandLine.arguments.dropFirst())
if args.first == "quietstar" { runQuietSTaRBench(Array(args.dropFirst())) } else { print("usage: bench quietstar [options]") }
