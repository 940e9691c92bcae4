// End-to-end fuzzer of the command line's contract (issue 16): `loopcert` started on
// mutated programs and flag values, each run under a time limit, must
//   - end with exit status 0, 1 or 2: never a signal, another status, or a hang;
//   - with status 2, name on stderr a position (FILE:LINE), a flag (--x) or the file;
//   - on `run` of a program that the transformer runs in agreement (status 0, agree true),
//     report the same final memory as the exact machine run alone (`--machine-only`).
// Usage: loopcert_cli_fuzz LOOPCERT_BINARY SOURCE_DIR RUNS [SEED]. Deterministic for a
// seed; every violation prints the command line and the mutated file, and exits 1.
// Precisions in the value list stay small (mpfr:2000): mpfr:100000 is an honest long job
// (minutes), which this fuzzer would report as a hang.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

extern char** environ;
namespace fs = std::filesystem;

namespace {

struct Outcome {
  int status = -1;      // exit status, or -1
  int signal = 0;       // the signal that ended it, or 0
  bool timed_out = false;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs argv with stdout and stderr to files, killing it after `seconds`.
Outcome run(const std::vector<std::string>& argv, const fs::path& dir, double seconds) {
  const fs::path out = dir / "out", err = dir / "err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  Outcome o;
  if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
    posix_spawn_file_actions_destroy(&actions);
    throw std::runtime_error("cannot start " + argv[0]);
  }
  posix_spawn_file_actions_destroy(&actions);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &wstatus, 0);
      o.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (!o.timed_out) {
    if (WIFEXITED(wstatus)) o.status = WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus)) o.signal = WTERMSIG(wstatus);
  }
  o.out = slurp(out);
  o.err = slurp(err);
  return o;
}

// Values that flags get: valid, edge and invalid alike.
const std::vector<std::string> kValues = {
    "", "0", "1", "-1", "2", "3.5", "1/4", "1/0", "0x0.4", " 0.25", "1e999", "1e-999", "7e-324", "nan", "inf", "-inf",
    "99999999999999999999", "1e9", "mpfr:1", "mpfr:24", "mpfr:2000", "mpfi:64", "fp7", "double", "float", "bf16",
    "fp8e4m3", "exact", "long-double", "2,10,23,15", "1,2,3", "0,0,0,0", "1,2047,4096,8", "8,8,32,8,", "abc", "--json"};

const std::vector<std::string> kFlags = {"--scalar", "--lambda", "--max-steps", "--tolerance", "--layout"};

// One mutation of a program text: flip a byte, insert a token, drop or repeat a line.
std::string mutate(std::string text, std::mt19937_64& rng) {
  static const std::vector<std::string> tokens = {"subleq", "halt", ".mem", ".bits", "64", "-9223372036854775808", ",", ":",
                                                  "loop:", "\n", " ", "\xEF\xBB\xBF", "\t", ";", "A", "99999", "0"};
  const int edits = 1 + static_cast<int>(rng() % 3);
  for (int e = 0; e < edits && !text.empty(); ++e) {
    const std::size_t at = rng() % text.size();
    switch (rng() % 4) {
      case 0: text[at] = static_cast<char>(rng() % 256); break;
      case 1: text.insert(at, tokens[rng() % tokens.size()]); break;
      case 2: {
        const auto end = text.find('\n', at);
        text.erase(at, end == std::string::npos ? std::string::npos : end - at);
        break;
      }
      default: {
        const auto begin = text.rfind('\n', at), end = text.find('\n', at);
        const std::size_t b = begin == std::string::npos ? 0 : begin + 1;
        text.insert(b, text.substr(b, (end == std::string::npos ? text.size() : end + 1) - b));
      }
    }
  }
  return text;
}

bool names_a_place(const std::string& err) {
  if (err.find("--") != std::string::npos) return true;          // a flag
  for (std::size_t at = err.find(':'); at != std::string::npos; at = err.find(':', at + 1))
    if (at + 1 < err.size() && std::isdigit(static_cast<unsigned char>(err[at + 1]))) return true;  // FILE:LINE
  return err.find("PROGRAM") != std::string::npos || err.find("is a directory") != std::string::npos ||
         err.find("cannot") != std::string::npos;  // a file named as a whole
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: loopcert_cli_fuzz LOOPCERT_BINARY SOURCE_DIR RUNS [SEED]\n";
    return 2;
  }
  const std::string binary = argv[1];
  const fs::path source = argv[2];
  const long runs = std::stol(argv[3]);
  std::mt19937_64 rng(argc > 4 ? std::stoull(argv[4]) : 1);
  std::vector<std::string> programs;
  for (const auto& e : fs::directory_iterator(source / "examples" / "subleq")) programs.push_back(slurp(e.path()));
  const fs::path dir = fs::temp_directory_path() / ("loopcert_cli_fuzz_" + std::to_string(getpid()));
  fs::create_directories(dir);
  long counts[3] = {0, 0, 0};
  for (long i = 0; i < runs; ++i) {
    const bool keep = rng() % 4 == 0;  // a quarter run the unmutated program
    const std::string text = keep ? programs[rng() % programs.size()] : mutate(programs[rng() % programs.size()], rng);
    const fs::path file = dir / "p.sq";
    std::ofstream(file, std::ios::binary) << text;
    std::vector<std::string> cmd = {binary, "run", file.string(), "--max-steps", "300"};
    const int flags = static_cast<int>(rng() % 3);
    for (int f = 0; f < flags; ++f) {
      cmd.push_back(kFlags[rng() % kFlags.size()]);
      cmd.push_back(kValues[rng() % kValues.size()]);
    }
    cmd.push_back("--json");
    const Outcome o = run(cmd, dir, 20);
    std::string line;
    for (const auto& c : cmd) line += "'" + c + "' ";
    auto fail = [&](const std::string& why) {
      std::cerr << "CONTRACT VIOLATED (" << why << ") at run " << i << ":\n  " << line << "\n--- program ---\n"
                << text << "\n--- stderr ---\n" << o.err << "\n";
      return 1;
    };
    if (o.timed_out) return fail("no exit within 20 s");
    if (o.signal) return fail("killed by signal " + std::to_string(o.signal));
    if (o.status < 0 || o.status > 2) return fail("exit status " + std::to_string(o.status));
    ++counts[o.status];
    if (o.status == 2 && !names_a_place(o.err)) return fail("exit 2 without a position or a flag in the message");
    if (o.status == 0) {
      const auto j = nlohmann::json::parse(o.out, nullptr, false);
      if (j.is_discarded()) return fail("--json output is not JSON");
      if (j.value("agree", false) && j.contains("memory") && j.contains("steps")) {
        std::vector<std::string> alone = {binary, "run", file.string(), "--machine-only", "--json", "--max-steps", "300"};
        const Outcome m = run(alone, dir, 20);
        const auto k = nlohmann::json::parse(m.out, nullptr, false);
        if (m.status != 0 || k.is_discarded()) return fail("--machine-only failed on a program the transformer ran");
        if (k["memory"] != j["memory"]) return fail("transformer memory differs from the machine's");
      }
    }
  }
  fs::remove_all(dir);
  std::cout << "loopcert_cli_fuzz: " << runs << " runs, exit 0: " << counts[0] << ", 1: " << counts[1] << ", 2: " << counts[2]
            << "; contract held\n";
  return 0;
}
