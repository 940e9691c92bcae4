// The report's measurements as independent tasks (issue 13, "sweeps that outgrow one
// machine"): `report --shard I/K` runs every K-th task and writes one JSON line per task
// (a fragment of data.json), `report --merge FILES...` assembles the fragments of all K
// shards into the report the unsharded run writes. The unsharded run goes through the
// same plan and the same assembly, so the two can only differ in the seconds measured.
#pragma once
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "report/error_report.hpp"

namespace loopcert::report {

struct ReportTask {
  std::string kind;  // program, minimum, run, phase, attention, lemma, sigmoid
  int program = -1, scalar = -1, row = -1, lemma = -1;
  std::string id() const;  // "run/1/3": unique in a plan
};

// Every task of a report with these options, the longest first (so that threads and
// shards finish together).
std::vector<ReportTask> plan(const ReportOptions& options);
// One task's measurement, as the fragment of data.json it fills. `jobs`: threads inside it.
Json run_task(const ReportTask& task, const ReportOptions& options, int jobs);
// The report from the fragments of every task of plan(options), keyed by task id; throws
// std::invalid_argument naming the first task missing.
ErrorReport assemble(const ReportOptions& options, const std::map<std::string, Json>& fragments);

// "I/K" with 1 <= I <= K; throws std::invalid_argument.
struct Shard {
  int index = 1, count = 1;
};
Shard parse_shard(const std::string& text);
// The tasks of shard I/K: every K-th of the plan, starting at the I-th.
std::vector<ReportTask> shard_tasks(const std::vector<ReportTask>& tasks, const Shard& shard);
// JSON lines: a header (the options, the shard, the plan's size), then one line per task.
void write_shard(const ReportOptions& options, const Shard& shard, std::ostream& out);
// The report of the shards' JSON lines (the texts of every shard of one plan, any order);
// throws std::invalid_argument naming the file (`names`) and the problem.
ErrorReport merge_shards(const std::vector<std::string>& texts, const std::vector<std::string>& names);

}  // namespace loopcert::report
