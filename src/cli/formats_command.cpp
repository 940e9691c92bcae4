// `loopcert verify formats`: checks the flags, loads the programs, and hands them to the
// study (analysis/formats_study.hpp) and its report (report/formats_report.hpp).
#include "cli/formats_command.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "analysis/formats_study.hpp"
#include "analysis/formats_study_fleq.hpp"
#include "cli/program_source.hpp"
#include "cli/run_fleq.hpp"
#include "cli/flag_values.hpp"
#include "cli/search_command.hpp"
#include "core/input_error.hpp"
#include "core/scalar_name.hpp"
#include "isa/fleq/assembler.hpp"
#include "report/fleq_formats_report.hpp"
#include "report/formats_report.hpp"

namespace loopcert::cli {

namespace {

// Both studies (.sq and .fq): --jobs, or the cores (at most 2).
int study_threads(const FormatsOptions& o) {
  return o.jobs ? *o.jobs : static_cast<int>(std::min(2u, std::max(1u, std::thread::hardware_concurrency())));
}

// Progress lines on stderr, one at a time from the study's threads.
std::function<void(const std::string&)> stderr_lines(std::mutex& log_mutex) {
  return [&log_mutex](const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mutex);
    std::cerr << line << "\n";
  };
}

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

bool is_fq(const std::string& path) { return path.size() > 3 && path.compare(path.size() - 3, 3, ".fq") == 0; }

// `verify formats --program P.fq ...`: the FLEQ study (every format refused or run).
int run_fleq_formats(const FormatsOptions& o, const VerifyCommon& common, const std::vector<std::string>& paths,
                     const std::vector<ScalarSpec>& scalars) {
  const FormatsOptions defaults;
  if (o.resolution != defaults.resolution || o.lambda_max != defaults.lambda_max || o.search_steps != defaults.search_steps)
    throw UsageError("--resolution/--lambda-max/--search-steps: a FLEQ loop's temperatures are chosen by the compiler from .bound, n and the format (FLEQ.md section 4)");
  for (const auto& s : scalars)
    if (s.kind == ScalarKind::Exact) throw UsageError("--formats exact: FLEQ's sigmoid and exp are irrational, so the loop has no exact-rational run");
  if (o.jobs && *o.jobs < 1) throw UsageError("--jobs must be >= 1 (got " + std::to_string(*o.jobs) + ")");
  analysis::FleqFormatsStudyOptions so;
  if (o.data_tolerance) {
    if (!(*o.data_tolerance >= 0) || !std::isfinite(*o.data_tolerance)) throw UsageError("--data-tolerance must be a finite number >= 0");
    so.data_tolerance = *o.data_tolerance;
  }
  so.max_steps = o.max_steps;
  std::vector<isa::fleq::FleqProgram> loaded;
  for (const auto& p : paths) {
    loaded.push_back(isa::fleq::load_fq(p));
    fleq_loop_target(loaded.back(), compile::FleqTargetOptions{});  // unsupported instructions and the size limit: exit 2
  }
  so.threads = study_threads(o);
  std::mutex log_mutex;
  if (!common.json) so.progress = stderr_lines(log_mutex);
  const analysis::FleqFormatsStudy study = analysis::study_fleq_formats(loaded, scalars, so);
  if (common.json) std::cout << report::fleq_formats_json(study).dump(2) << "\n";
  else std::cout << report::fleq_formats_text(study);
  return study.certified_formats_agree ? kSuccess : kCheckFailed;
}

}  // namespace

void add_formats_verify_options(CLI::App& verify, FormatsOptions& o) {
  verify.add_option("--program", o.programs, "formats: the .sq or .fq programs (default: examples/subleq/*.sq)");
  verify.add_option("--formats", o.formats, std::string("formats: comma-separated scalars (default ") + kDefaultFormats + ")");
  verify.add_option("--resolution", o.resolution, "formats: resolution of the lambda interval")->capture_default_str();
  verify.add_option("--lambda-max", o.lambda_max, "formats: largest lambda tried for the upper end")->capture_default_str();
  verify.add_option("--search-steps", o.search_steps, "formats: reference steps of each lambda-search run")->capture_default_str();
  verify.add_option("--jobs", o.jobs, "formats: (program, format) pairs searched in parallel (default: cores, at most 2)");
  verify.add_option("--data-tolerance", o.data_tolerance, "formats, .fq programs: T of the real cells' |x - x*| / max(1, |x*|) (default 1e-6)");
}

int run_verify_formats(const FormatsOptions& o, const VerifyCommon& common) {
  const std::vector<std::string> paths = program_paths(o);
  const std::vector<ScalarSpec> scalars = parse_formats(o.formats);
  const auto fq_count = std::count_if(paths.begin(), paths.end(), is_fq);
  if (fq_count > 0 && fq_count < static_cast<long>(paths.size()))
    throw UsageError("--program: give .sq programs or .fq programs, not both (the two machines' studies differ)");
  if (fq_count > 0) return run_fleq_formats(o, common, paths, scalars);
  if (o.data_tolerance) throw UsageError("--data-tolerance is for .fq programs (SUBLEQ cells are integers)");
  analysis::FormatsStudyOptions so;
  so.resolution = positive_flag("--resolution", o.resolution);
  so.lambda_cap = positive_flag("--lambda-max", o.lambda_max);
  check_lambda_search(so.resolution, so.lambda_cap);
  if (o.search_steps < 1) throw UsageError("--search-steps must be >= 1");
  if (o.jobs && *o.jobs < 1) throw UsageError("--jobs must be >= 1 (got " + std::to_string(*o.jobs) + ")");
  const std::vector<isa::SubleqProgram> loaded = load_programs(paths);

  so.search_steps = o.search_steps;
  so.max_steps = o.max_steps;
  so.threads = study_threads(o);
  std::mutex log_mutex;
  if (!common.json) so.progress = stderr_lines(log_mutex);
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
