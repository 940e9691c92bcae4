// `loopcert verify formats`: checks the flags, loads the programs, and hands them to the
// study (analysis/formats_study.hpp) and its report (report/formats_report.hpp).
#include "cli/formats_command.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "analysis/formats_study.hpp"
#include "cli/program_source.hpp"
#include "cli/flag_values.hpp"
#include "cli/search_command.hpp"
#include "core/input_error.hpp"
#include "core/scalar_name.hpp"
#include "report/formats_report.hpp"

namespace loopcert::cli {

namespace {

const char* kDefaultFormats = "float,double,long-double,float128,tf32,fp16,bf16,fp8e4m3,fp8e5m2";

// The --program files, or every examples/subleq/*.sq in name order.
std::vector<std::string> program_paths(const FormatsOptions& o) {
  std::vector<std::string> programs = o.programs;
  if (!programs.empty()) return programs;
  const std::filesystem::path dir = "examples/subleq";
  if (!std::filesystem::is_directory(dir))
    throw UsageError("verify formats: no --program given and examples/subleq/ is not in the current directory");
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".sq") programs.push_back(e.path().string());
  std::sort(programs.begin(), programs.end());
  return programs;
}

std::vector<ScalarSpec> parse_formats(const std::string& formats) {
  std::vector<ScalarSpec> scalars;
  std::stringstream list(formats.empty() ? kDefaultFormats : formats);
  for (std::string name; std::getline(list, name, ',');) {
    if (name.empty()) throw UsageError("--formats '" + formats + "': an empty name in the list");
    try {
      scalars.push_back(parse_scalar(name));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--formats: ") + e.what());
    }
    if (scalars.back().kind == ScalarKind::Mpfi) throw UsageError("--formats: mpfi:P is for certificates, not runs");
  }
  if (scalars.empty()) throw UsageError("--formats: no format given");
  return scalars;
}

std::vector<isa::SubleqProgram> load_programs(const std::vector<std::string>& paths) {
  std::vector<isa::SubleqProgram> loaded;
  for (const auto& p : paths) {
    ProgramSource src;
    src.path = p;
    loaded.push_back(load_program(src));
    check_transformer_size(loaded.back());
  }
  return loaded;
}

}  // namespace

void add_formats_verify_options(CLI::App& verify, FormatsOptions& o) {
  verify.add_option("--program", o.programs, "formats: the .sq programs (default: examples/subleq/*.sq)");
  verify.add_option("--formats", o.formats, std::string("formats: comma-separated scalars (default ") + kDefaultFormats + ")");
  verify.add_option("--resolution", o.resolution, "formats: resolution of the lambda interval")->capture_default_str();
  verify.add_option("--lambda-max", o.lambda_max, "formats: largest lambda tried for the upper end")->capture_default_str();
  verify.add_option("--search-steps", o.search_steps, "formats: reference steps of each lambda-search run")->capture_default_str();
  verify.add_option("--jobs", o.jobs, "formats: (program, format) pairs searched in parallel (default: cores, at most 2)");
}

int run_verify_formats(const FormatsOptions& o, const VerifyCommon& common) {
  const std::vector<std::string> paths = program_paths(o);
  const std::vector<ScalarSpec> scalars = parse_formats(o.formats);
  analysis::FormatsStudyOptions so;
  so.resolution = positive_flag("--resolution", o.resolution);
  so.lambda_cap = positive_flag("--lambda-max", o.lambda_max);
  check_lambda_search(so.resolution, so.lambda_cap);
  if (o.search_steps < 1) throw UsageError("--search-steps must be >= 1");
  if (o.jobs && *o.jobs < 1) throw UsageError("--jobs must be >= 1 (got " + std::to_string(*o.jobs) + ")");
  const std::vector<isa::SubleqProgram> loaded = load_programs(paths);

  so.search_steps = o.search_steps;
  so.max_steps = o.max_steps;
  so.threads = o.jobs ? *o.jobs : static_cast<int>(std::min(2u, std::max(1u, std::thread::hardware_concurrency())));
  std::mutex log_mutex;
  if (!common.json)
    so.progress = [&](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mutex);
      std::cerr << line << "\n";
    };
  analysis::FormatsStudy study;
  try {
    study = analysis::study_formats(loaded, scalars, so);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("verify formats: ") + e.what());
  }

  const report::FormatsContext context{so.resolution, so.lambda_cap, o.search_steps};
  if (common.json)
    std::cout << report::formats_json(study, context).dump(2) << "\n";
  else
    std::cout << report::formats_text(study, context);
  return study.certified_formats_agree ? kSuccess : kCheckFailed;
}

}  // namespace loopcert::cli
