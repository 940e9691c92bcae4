#include "cli/report_command.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "report/error_report.hpp"
#include "report/error_report_tasks.hpp"
#include "report/markdown.hpp"
#include "report/lemma_table.hpp"
#include "report/readme_tables.hpp"
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
struct ErrorReportArgs {
  std::vector<std::string> programs;
  std::string out = "reports/latest";
  std::string scalars;
  bool quick = false;
  int jobs = 2;
  std::string shard;                // I/K: write this share of the measurements to --out (JSON lines)
  std::vector<std::string> merge;   // shard files: the report from them
};

std::vector<ScalarSpec> parse_scalar_list(const std::string& text) {
  std::vector<ScalarSpec> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.empty()) throw UsageError("--scalars: an empty name in '" + text + "'");
    try {
      out.push_back(parse_scalar(item));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--scalars: ") + e.what());
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string read_file_text(const std::string& path, const char* flag) {
  std::ifstream in(path);
  if (!in) throw UsageError(std::string(flag) + ": cannot read '" + path + "'");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `report --merge FILES... --out DIR`: the report of the shards, as the unsharded run writes it.
int merge_error_report(const ErrorReportArgs& args) {
  if (!args.programs.empty() || !args.shard.empty() || !args.scalars.empty() || args.quick)
    throw UsageError("--merge: the shards carry the programs, scalars and --quick; give only --merge FILES... --out DIR");
  std::vector<std::string> texts;
  for (const auto& f : args.merge) texts.push_back(read_file_text(f, "--merge"));
  report::ErrorReport r;
  try {
    r = report::merge_shards(texts, args.merge);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(std::string("--merge: a shard is not JSON lines: ") + e.what());
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  report::write_report(r, args.out);
  std::cout << "report: merged " << args.merge.size() << " shards into " << (std::filesystem::path(args.out) / "index.html").string()
            << ", report.md, data.json, drift.csv, phase.csv, figures/*.svg\n";
  return kSuccess;
}

int write_error_report(const ErrorReportArgs& args) {
  // Flags first, then files.
  if (args.jobs < 1 || args.jobs > 256) throw UsageError("--jobs: expected 1 to 256 threads");
  if (!args.merge.empty()) return merge_error_report(args);
  std::optional<report::Shard> shard;
  if (!args.shard.empty()) try {
      shard = report::parse_shard(args.shard);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  report::ReportOptions o;
  o.quick = args.quick;
  o.jobs = args.jobs;
  o.scalars = args.scalars.empty() ? report::default_scalars(args.quick) : parse_scalar_list(args.scalars);
  if (shard) {
    std::ofstream probe(args.out, std::ios::app);
    if (!probe) throw UsageError("--out: cannot write the shard file '" + args.out + "'");
  } else {
    std::error_code ec;
    std::filesystem::create_directories(args.out, ec);
    std::ofstream probe(std::filesystem::path(args.out) / "index.html", std::ios::app);
    if (ec || !probe) throw UsageError("--out: cannot write into '" + args.out + "'");
  }
  for (const auto& path : args.programs) {
    if (!std::filesystem::is_regular_file(path)) throw UsageError("PROGRAM: '" + path + "' is not a file");
    o.programs.push_back({std::filesystem::path(path).stem().string(), path, "", "", ""});
  }
  if (o.programs.empty()) {
    if (!std::filesystem::is_directory("examples/subleq"))
      throw UsageError("report: give PROGRAM files, or run from the repository's top folder (examples/subleq not found here)");
    o.programs = report::default_programs(".", "../shared/compat/official", args.quick);
  }
  if (o.programs.empty()) throw UsageError("no programs: give PROGRAM files, or run from the repository (examples/subleq)");
  o.log = [](const std::string& line) { std::cerr << line << "\n"; };
  std::cerr << "report: " << o.programs.size() << " programs x " << o.scalars.size() << " scalars, searches and a phase diagram\n";
  if (shard) {
    // The measurements in memory first: an interrupted shard leaves no partial file.
    std::ostringstream lines;
    report::write_shard(o, *shard, lines);
    std::ofstream file(args.out, std::ios::trunc);
    if (!(file << lines.str())) throw UsageError("--out: cannot write the shard file '" + args.out + "'");
    std::cout << "report: wrote shard " << args.shard << " to " << args.out << "\n";
    return kSuccess;
  }
  const report::ErrorReport r = report::measure(o);
  report::write_report(r, args.out);
  std::cout << "report: wrote " << (std::filesystem::path(args.out) / "index.html").string() << ", report.md, data.json, drift.csv, phase.csv, figures/*.svg\n";
  return kSuccess;
}

struct ReadmeArgs {
  std::string file = "README.md";
  bool check = false;
  int jobs = 2;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError("--file: cannot read '" + path + "'");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `report readme`: regenerate the README's two measured tables between their markers
// (minutes: every program's lambda and precision searches) and the lemma table (seeded
// lemma checks, seconds), or with --check compare the deterministic columns with a fresh
// computation of the bounds, and the lemma table verbatim (seconds).
constexpr int kLemmaTableTrials = 100;
int write_readme_tables(const ReadmeArgs& args) {
  if (args.jobs < 1 || args.jobs > 256) throw UsageError("--jobs: expected 1 to 256 threads");
  std::string text = read_text(args.file);
  if (!std::filesystem::is_directory("examples/subleq"))
    throw UsageError("report readme: run it from the repository's top folder (examples/subleq not found here)");
  const auto programs = report::default_programs(".", "../shared/compat/official", false);
  const auto rows = report::readme_rows(programs, !args.check, args.jobs);
  if (args.check) {
    bool same = true;
    for (const bool lambda : {true, false}) {
      const char* name = lambda ? "lambda-table" : "precision-table";
      const auto want = report::deterministic_cells(lambda ? report::lambda_table(rows) : report::precision_table(rows), lambda);
      const auto have = report::deterministic_cells(report::between_markers(text, name), lambda);
      if (want != have) {
        same = false;
        std::cout << args.file << ": the " << name << "'s deterministic columns differ from the bounds (run `loopcert report readme`)\n";
      }
    }
    if (report::lemma_table(kLemmaTableTrials) != report::between_markers(text, "lemma-table")) {
      same = false;
      std::cout << args.file << ": the lemma-table differs from the lemma checks (run `loopcert report readme`)\n";
    }
    if (same) std::cout << args.file << ": the deterministic columns of both tables and the lemma table match the bounds\n";
    return same ? kSuccess : kCheckFailed;
  }
  text = report::replace_between_markers(text, "lambda-table", report::lambda_table(rows));
  text = report::replace_between_markers(text, "precision-table", report::precision_table(rows));
  text = report::replace_between_markers(text, "lemma-table", report::lemma_table(kLemmaTableTrials));
  std::ofstream out(args.file, std::ios::trunc);
  if (!(out << text)) throw UsageError("--file: cannot write '" + args.file + "'");
  std::cout << "report readme: rewrote the lambda, precision and lemma tables of " << args.file << "\n";
  return kSuccess;
}

}  // namespace

void add_report_command(CLI::App& app, Handler& handler) {
  CLI::App* report = app.add_subcommand("report", "The error report (HTML with plots, Markdown, JSON; `report sigmoid`: reports/sigmoid.md)");
  report->require_subcommand(0, 1);
  auto eargs = std::make_shared<ErrorReportArgs>();
  report->add_option("PROGRAM", eargs->programs, "SUBLEQ programs (.sq); default: examples/subleq and the authors' four");
  report->add_option("--out", eargs->out, "directory for index.html, report.md, data.json and the CSVs")->capture_default_str();
  report->add_option("--scalars", eargs->scalars, "comma-separated scalar names (default: ten families; --quick: five)");
  report->add_flag("--quick", eargs->quick, "factorial, fibonacci and ftrl at five scalars, a small phase grid (about a minute)");
  report->add_option("--jobs", eargs->jobs, "runs in parallel (threads)")->capture_default_str();
  report->add_option("--shard", eargs->shard, "I/K: only every K-th measurement from the I-th, as JSON lines into the file --out (merge with --merge)");
  report->add_option("--merge", eargs->merge, "shard files of one plan (all K of them): write the report they make into --out")->expected(1, -1);
  report->callback([&handler, eargs, report] {
    if (!report->get_subcommands().empty()) return;  // `report sigmoid` set its own handler
    handler = [eargs] { return write_error_report(*eargs); };
  });
  auto args = std::make_shared<ReportArgs>();
  CLI::App* sigmoid = report->add_subcommand(
      "sigmoid", "reports/sigmoid.md: every sigmoid target at m = 64 (bounds, errors at double and mpfr:128, smallest m for 1e-3 and 1e-6) and the width trade-off; minutes; progress on stderr");
  sigmoid->add_option("--out", args->out, "write the Markdown to FILE (default: stdout)");
  sigmoid->add_flag("--quick", args->quick, "only x^2 and the table target (a smoke run)");
  sigmoid->callback([&handler, args] { handler = [args] { return write_report(*args); }; });
  auto rargs = std::make_shared<ReadmeArgs>();
  CLI::App* readme = report->add_subcommand(
      "readme", "the README's measured lambda and precision tables, regenerated between their markers (minutes), or --check (seconds)");
  readme->add_option("--file", rargs->file, "the README to rewrite or check")->capture_default_str();
  readme->add_flag("--check", rargs->check, "compare the deterministic columns (n, N, default lambda, predictions) with the bounds");
  readme->add_option("--jobs", rargs->jobs, "runs in parallel (threads)")->capture_default_str();
  readme->callback([&handler, rargs] { handler = [rargs] { return write_readme_tables(*rargs); }; });
}

}  // namespace loopcert::cli
