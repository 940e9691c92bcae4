#include "cli/report_command.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "report/sigmoid_report.hpp"

namespace loopcert::cli {

namespace {
struct ReportArgs {
  std::string out;  // empty: stdout
  bool quick = false;
};

int write_report(const ReportArgs& args) {
  if (args.out.empty()) {
    report::write_sigmoid_report(std::cout, args.quick);
    return kSuccess;
  }
  // Written to memory first, so a failed or interrupted run leaves an existing report
  // as it was; the file is checked before the (long) measurement starts.
  const bool existed = std::filesystem::exists(args.out);
  {
    std::ofstream probe(args.out, std::ios::app);
    if (!probe) throw UsageError("--out: cannot write '" + args.out + "'");
  }
  std::ostringstream text;
  try {
    report::write_sigmoid_report(text, args.quick);
  } catch (...) {
    if (!existed) std::filesystem::remove(args.out);  // the probe's empty file
    throw;
  }
  std::ofstream file(args.out, std::ios::trunc);
  if (!(file << text.str())) throw UsageError("--out: cannot write '" + args.out + "'");
  std::cerr << "report: wrote " << args.out << "\n";
  return kSuccess;
}
}  // namespace

void add_report_command(CLI::App& app, Handler& handler) {
  CLI::App* report = app.add_subcommand("report", "Regenerate a Markdown report of reports/ from the code that measures it");
  report->require_subcommand(1);
  auto args = std::make_shared<ReportArgs>();
  CLI::App* sigmoid = report->add_subcommand(
      "sigmoid", "reports/sigmoid.md: every sigmoid target at m = 64 (bounds, errors at double and mpfr:128, smallest m for 1e-3 and 1e-6) and the width trade-off; minutes; progress on stderr");
  sigmoid->add_option("--out", args->out, "write the Markdown to FILE (default: stdout)");
  sigmoid->add_flag("--quick", args->quick, "only x^2 and the table target (a smoke run)");
  sigmoid->callback([&handler, args] { handler = [args] { return write_report(*args); }; });
}

}  // namespace loopcert::cli
