// The plan of `loopcert report`, its shards and their merge (report/error_report_tasks.hpp).
#include "report/error_report_tasks.hpp"

#include <chrono>
#include <ctime>
#include <istream>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "analysis/lemma_checks.hpp"
#include "core/parallel_for.hpp"
#include "report/detail/error_report_json.hpp"
#include "report/detail/error_report_measure.hpp"

namespace loopcert::report {

namespace {

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
  return buf;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

const Json& fragment(const std::map<std::string, Json>& fragments, const std::string& id) {
  const auto it = fragments.find(id);
  if (it == fragments.end()) throw std::invalid_argument("no measurement for task " + id);
  return it->second;
}

Json options_json(const ReportOptions& o) {
  Json programs = Json::array();
  for (const auto& p : o.programs)
    programs.push_back({{"name", p.name}, {"path", p.path}, {"cmds", p.cmds}, {"mem", p.mem}, {"layout", p.layout}});
  Json scalars = Json::array();
  for (const auto& s : o.scalars) scalars.push_back(s.name());
  return {{"programs", programs}, {"scalars", scalars}, {"quick", o.quick}};
}

ReportOptions options_from(const Json& j) {
  ReportOptions o;
  for (const auto& p : detail::at(j, "programs"))
    o.programs.push_back({detail::at(p, "name").get<std::string>(), detail::at(p, "path").get<std::string>(), detail::at(p, "cmds").get<std::string>(),
                          detail::at(p, "mem").get<std::string>(), detail::at(p, "layout").get<std::string>()});
  for (const auto& s : detail::at(j, "scalars")) o.scalars.push_back(parse_scalar(s.get<std::string>()));
  o.quick = detail::at(j, "quick").get<bool>();
  return o;
}

}  // namespace

std::string ReportTask::id() const {
  std::string s = kind;
  for (const int i : {program, scalar, row, lemma})
    if (i >= 0) s += fmt::format("/{}", i);
  return s;
}

std::vector<ReportTask> plan(const ReportOptions& o) {
  const int programs = static_cast<int>(o.programs.size()), scalars = static_cast<int>(o.scalars.size());
  const int rows = static_cast<int>(detail::phase_bits(o.quick).size()), lemmas = static_cast<int>(analysis::lemma_names().size());
  std::vector<ReportTask> out;
  for (int p = 0; p < programs; ++p) out.push_back({"minimum", p, -1, -1, -1});
  for (int r = 0; r < rows; ++r) out.push_back({"phase", -1, -1, r, -1});
  for (int p = 0; p < programs; ++p) {
    out.push_back({"program", p, -1, -1, -1});
    for (int s = 0; s < scalars; ++s) out.push_back({"run", p, s, -1, -1});
  }
  out.push_back({"sigmoid", -1, -1, -1, -1});
  out.push_back({"attention", -1, -1, -1, -1});
  for (int l = 0; l < lemmas; ++l)
    for (int s = 0; s < scalars; ++s) out.push_back({"lemma", -1, s, -1, l});
  return out;
}

Json run_task(const ReportTask& t, const ReportOptions& o, int jobs) {
  using namespace detail;
  // The phase diagram and the attention are of the first program.
  const ReportProgram& first = o.programs.front();
  if (t.kind == "program") return program_json(program_facts(o.programs.at(t.program)));
  if (t.kind == "run") return verdict_json(run_at(o.programs.at(t.program), o.scalars.at(t.scalar)));
  if (t.kind == "minimum") {
    ProgramReport p;
    minimum_settings(o.programs.at(t.program), p, jobs);
    const Json j = program_json(p);
    return {{"lambda_min", j["lambda_min"]}, {"lambda_predicted", j["lambda_predicted"]}, {"bits_min", j["bits_min"]}, {"bits_predicted", j["bits_predicted"]}};
  }
  if (t.kind == "phase") return phase_json(phase_row(first, o.quick, phase_bits(o.quick).at(t.row), jobs));
  if (t.kind == "attention") {
    Json maps = Json::array();
    for (const auto& a : first_loop_attention(first)) maps.push_back(attention_json(a));
    return maps;
  }
  if (t.kind == "lemma") return lemma_json(lemma_row(analysis::lemma_names().at(t.lemma), o.scalars.at(t.scalar), lemma_trials(o.quick)));
  if (t.kind == "sigmoid") return sigmoid_json(sigmoid_section());
  throw std::invalid_argument("unknown report task '" + t.kind + "'");
}

ErrorReport assemble(const ReportOptions& o, const std::map<std::string, Json>& fragments) {
  Json doc{{"schema", "loopcert-report/1"}, {"generated", now_utc()}, {"quick", o.quick}, {"scalars", Json::array()}, {"seconds", 0.0}};
  for (const auto& s : o.scalars) doc["scalars"].push_back(s.name());
  doc["programs"] = Json::array();
  for (int p = 0; p < static_cast<int>(o.programs.size()); ++p) {
    Json program = fragment(fragments, ReportTask{"program", p}.id());
    for (const auto& [key, value] : fragment(fragments, ReportTask{"minimum", p}.id()).items()) program[key] = value;
    program["scalars"] = Json::array();
    for (int s = 0; s < static_cast<int>(o.scalars.size()); ++s) program["scalars"].push_back(fragment(fragments, ReportTask{"run", p, s}.id()));
    doc["programs"].push_back(program);
  }
  const auto bits = detail::phase_bits(o.quick);
  Json phase = fragment(fragments, ReportTask{"phase", -1, -1, 0}.id());
  for (int r = 1; r < static_cast<int>(bits.size()); ++r) {
    const Json& row = fragment(fragments, ReportTask{"phase", -1, -1, r}.id());
    phase["bits"].push_back(row["bits"][0]);
    phase["agree"].push_back(row["agree"][0]);
  }
  doc["phase"] = phase;
  doc["attention"] = fragment(fragments, "attention");
  doc["lemmas"] = Json::array();
  for (int l = 0; l < static_cast<int>(analysis::lemma_names().size()); ++l)
    for (int s = 0; s < static_cast<int>(o.scalars.size()); ++s) doc["lemmas"].push_back(fragment(fragments, ReportTask{"lemma", -1, s, -1, l}.id()));
  doc["sigmoid"] = fragment(fragments, "sigmoid");
  doc["disagreements"] = Json::array();
  ErrorReport r = from_json(doc);
  r.disagreements = disagreements(r);
  return r;
}

ErrorReport measure(const ReportOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  if (options.programs.empty()) throw std::invalid_argument("no programs to report on");
  const std::vector<ReportTask> tasks = plan(options);
  std::vector<Json> results(tasks.size());
  // The tasks in parallel, each on one thread (a search inside one would share the cores).
  parallel_for(tasks.size(), options.jobs, [&](std::size_t i) {
    if (options.log) options.log(fmt::format("report: task {} of {}: {}", i + 1, tasks.size(), tasks[i].id()));
    results[i] = run_task(tasks[i], options, 1);
  });
  std::map<std::string, Json> fragments;
  for (std::size_t i = 0; i < tasks.size(); ++i) fragments[tasks[i].id()] = std::move(results[i]);
  ErrorReport r = assemble(options, fragments);
  r.seconds = seconds_since(started);
  return r;
}

Shard parse_shard(const std::string& text) {
  Shard s;
  char slash = 0, extra = 0;
  std::istringstream in(text);
  if (!(in >> s.index >> slash >> s.count) || slash != '/' || (in >> extra) || s.count < 1 || s.index < 1 || s.index > s.count)
    throw std::invalid_argument("--shard: expected I/K with 1 <= I <= K (e.g. 2/8), got '" + text + "'");
  return s;
}

std::vector<ReportTask> shard_tasks(const std::vector<ReportTask>& tasks, const Shard& shard) {
  std::vector<ReportTask> out;
  for (std::size_t i = shard.index - 1; i < tasks.size(); i += shard.count) out.push_back(tasks[i]);
  return out;
}

void write_shard(const ReportOptions& options, const Shard& shard, std::ostream& out) {
  const std::vector<ReportTask> all = plan(options), mine = shard_tasks(all, shard);
  out << Json{{"schema", "loopcert-report-shard/1"}, {"shard", fmt::format("{}/{}", shard.index, shard.count)},
              {"tasks", all.size()}, {"options", options_json(options)}}.dump()
      << "\n";
  std::vector<Json> lines(mine.size());
  parallel_for(mine.size(), options.jobs, [&](std::size_t i) {
    if (options.log) options.log(fmt::format("report: task {} of {} in shard {}/{}: {}", i + 1, mine.size(), shard.index, shard.count, mine[i].id()));
    const auto started = std::chrono::steady_clock::now();
    Json result = run_task(mine[i], options, 1);
    lines[i] = {{"task", mine[i].id()}, {"seconds", seconds_since(started)}, {"result", std::move(result)}};
  });
  for (const auto& l : lines) out << l.dump() << "\n";
  if (!out) throw std::runtime_error("cannot write the shard");
}

ErrorReport merge_shards(const std::vector<std::string>& texts, const std::vector<std::string>& names) {
  std::optional<Json> options;
  std::optional<int> count;
  std::vector<bool> seen;
  std::map<std::string, Json> fragments;
  double seconds = 0;
  for (std::size_t f = 0; f < texts.size(); ++f) {
    const std::string& name = names.at(f);
    std::istringstream in(texts[f]);
    std::string line;
    if (!std::getline(in, line)) throw std::invalid_argument(name + ": empty, not a report shard");
    const Json header = Json::parse(line);
    if (!header.is_object() || header.value("schema", "") != "loopcert-report-shard/1")
      throw std::invalid_argument(name + ":1: not a loopcert report shard (schema loopcert-report-shard/1)");
    const Shard shard = parse_shard(detail::at(header, "shard").get<std::string>());
    if (!options) options = detail::at(header, "options"), count = shard.count, seen.assign(shard.count, false);
    if (detail::at(header, "options") != *options) throw std::invalid_argument(name + ":1: the options differ from " + names[0] + "'s");
    if (shard.count != *count) throw std::invalid_argument(name + fmt::format(":1: shard of {} parts, {} has {}", shard.count, names[0], *count));
    if (seen[shard.index - 1]) throw std::invalid_argument(name + fmt::format(":1: shard {}/{} given twice", shard.index, shard.count));
    seen[shard.index - 1] = true;
    for (int number = 2; std::getline(in, line); ++number) {
      if (line.empty()) continue;
      const Json j = Json::parse(line);
      const std::string id = detail::at(j, "task").get<std::string>();
      if (fragments.count(id)) throw std::invalid_argument(fmt::format("{}:{}: task {} measured twice", name, number, id));
      fragments[id] = detail::at(j, "result");
      seconds += detail::at(j, "seconds").get<double>();
    }
  }
  if (!options) throw std::invalid_argument("--merge: no shard files");
  for (int i = 0; i < *count; ++i)
    if (!seen[i]) throw std::invalid_argument(fmt::format("--merge: shard {}/{} is missing", i + 1, *count));
  const ReportOptions o = options_from(*options);
  if (fragments.size() != plan(o).size())
    throw std::invalid_argument(fmt::format("--merge: {} measurements for a plan of {} tasks (a shard was cut short?)", fragments.size(), plan(o).size()));
  ErrorReport r = assemble(o, fragments);
  r.seconds = seconds;
  return r;
}

}  // namespace loopcert::report
