// The pieces of data.json, each with its inverse: to_json/from_json assemble them, and the
// tasks of `report --shard` write them as JSON lines (error_report_tasks.cpp). A number
// that is not finite is written as null (report/json.hpp) and read back as +inf: the
// fields that can be infinite are errors, bounds and predictions, where inf is the truth.
#pragma once
#include "report/error_report.hpp"

namespace loopcert::report::detail {

Json verdict_json(const ScalarVerdict& v);
ScalarVerdict verdict_from(const Json& j);
Json program_json(const ProgramReport& p);  // with its scalars
ProgramReport program_from(const Json& j);
Json phase_json(const PhaseDiagram& d);
PhaseDiagram phase_from(const Json& j);
Json attention_json(const AttentionMap& a);
AttentionMap attention_from(const Json& j);
Json lemma_json(const LemmaRow& r);
LemmaRow lemma_from(const Json& j);
Json sigmoid_json(const SigmoidSection& s);
SigmoidSection sigmoid_from(const Json& j);

// j[key], or std::invalid_argument naming the key.
const Json& at(const Json& j, const char* key);
// A number written by report::number: null reads as +inf.
double number_from(const Json& j);

}  // namespace loopcert::report::detail
