import Foundation
import TensorCore

// Benchmarks. Usage: bench <subcommand> [options]
//   lm         one standard language-model training step (the reference: shared/bench/torch_lm_step.py)
//   quietstar  one full Quiet-STaR training step at the sizes of the performance bar
//   attention  the attention op of one thought step alone (forward, backward)
//   gemm       single-threaded products at the step's shapes: the SIMD kernel against OpenBLAS

BLAS.relaunchWithKernelIfNeeded()
ProcessTuning.keepFreedMemory()

let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
    usage: bench <subcommand> [options]
      lm         [--threads N] [--layers N] [--d N] [--heads N] [--vocab N] [--ctx N] [--batch N]
                 [--warmup N] [--steps N]      GPT training step: forward + backward + AdamW
      quietstar  [--threads N] [--layers N] [--d N] [--heads N] [--vocab N] [--ctx N] [--batch N]
                 [--r N] [--t N] [--ntrue N] [--warmup N] [--steps N]   Quiet-STaR training step
      attention  [--threads N] [--rows N] [--ctx N] [--d N] [--heads N] [--reps N]
                 attention of one thought step (causal prefix + 0, 5, 9 diagonal steps)
      gemm       [--reps N]   products at the step's shapes, SIMD kernel and OpenBLAS side by side
    """

switch arguments.first {
case "lm":
    runLMBench(Array(arguments.dropFirst()))
case "quietstar":
    runQuietSTaRBench(Array(arguments.dropFirst()))
case "attention":
    runAttentionBench(Array(arguments.dropFirst()))
case "gemm":
    runGemmBench(Array(arguments.dropFirst()))
default:
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(arguments.isEmpty || arguments.first == "--help" || arguments.first == "-h" ? 0 : 2)
}
