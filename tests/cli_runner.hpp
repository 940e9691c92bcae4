// Runs the loopcert binary as a user would, for the CLI tests.
#pragma once
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace loopcert::testing {

struct CliResult {
  int status = -1;
  std::string out, err;
};

inline std::string source_dir() { return LOOPCERT_SOURCE_DIR; }

inline CliResult run_cli(const std::string& args) {
  static int counter = 0;
  const std::string err_path = "/tmp/loopcert_cli_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".err";
  const std::string cmd = "cd " + source_dir() + " && " + LOOPCERT_BINARY + " " + args + " 2>" + err_path;
  CliResult r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  size_t got;
  while ((got = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), got);
  const int raw = ::pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  std::ifstream err(err_path);
  std::stringstream ss;
  ss << err.rdbuf();
  r.err = ss.str();
  std::remove(err_path.c_str());
  return r;
}

}  // namespace loopcert::testing
