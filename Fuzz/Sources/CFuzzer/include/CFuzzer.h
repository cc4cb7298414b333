// Starts libFuzzer (linked by -sanitize=fuzzer) on the target's LLVMFuzzerTestOneInput, which each fuzz target
// defines in Swift. SwiftPM links an executable's `main` to its module's own, so the targets start libFuzzer from there.
int bianmin_run_fuzzer(int argc, char **argv);
