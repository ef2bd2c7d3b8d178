// main() of every cc_fuzz_test (see fuzzing.bzl): replays the seed corpus
// given as arguments and, when built with libFuzzer, fuzzes for a bounded
// time. Exits non-zero if the target crashes (the sanitizers abort).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

#ifdef KEYWARD_LIBFUZZER
extern "C" int LLVMFuzzerRunDriver(int* argc, char*** argv,
                                   int (*callback)(const uint8_t*, size_t));
#endif

namespace {

int ReplayCorpus(int argc, char** argv) {
  int replayed = 0;
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "fuzz_main: cannot read seed %s\n", argv[i]);
      return 1;
    }
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                            std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()),
                           bytes.size());
    ++replayed;
  }
  std::fprintf(stderr, "fuzz_main: replayed %d seed inputs\n", replayed);
  return replayed > 0 ? 0 : 1;
}

#ifdef KEYWARD_LIBFUZZER
// Fuzz copies the seeds into a scratch corpus under $TEST_TMPDIR (libFuzzer
// writes new inputs into its first corpus folder; runfiles are read-only).
int Fuzz(int argc, char** argv) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const char* seconds = std::getenv("KEYWARD_FUZZ_SECONDS");
  // Bazel keeps this folder as the test's outputs: a crashing input is
  // saved there (bazel-testlogs/<target>/test.outputs/).
  const char* outputs = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
  std::string corpus = std::string(tmp != nullptr ? tmp : "/tmp") + "/corpus";
  std::string mkdir = "mkdir -p '" + corpus + "'";
  if (std::system(mkdir.c_str()) != 0) return 1;
  for (int i = 1; i < argc; ++i) {
    std::string copy = "cp '" + std::string(argv[i]) + "' '" + corpus + "/'";
    if (std::system(copy.c_str()) != 0) return 1;
  }
  std::vector<std::string> args = {
      argv[0],
      "-max_total_time=" + std::string(seconds != nullptr ? seconds : "10"),
      "-timeout=10",
      "-rss_limit_mb=2048",
      "-print_final_stats=1",
      "-artifact_prefix=" + std::string(outputs != nullptr ? outputs : ".") +
          "/",
      corpus};
  std::vector<char*> c_args;
  for (std::string& arg : args) c_args.push_back(arg.data());
  c_args.push_back(nullptr);
  int fuzz_argc = static_cast<int>(args.size());
  char** fuzz_argv = c_args.data();
  return LLVMFuzzerRunDriver(&fuzz_argc, &fuzz_argv, LLVMFuzzerTestOneInput);
}
#endif

}  // namespace

int main(int argc, char** argv) {
  if (int rc = ReplayCorpus(argc, argv); rc != 0) return rc;
#ifdef KEYWARD_LIBFUZZER
  return Fuzz(argc, argv);
#else
  return 0;
#endif
}
