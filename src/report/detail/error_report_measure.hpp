// The measurements of `loopcert report`, one function per task of the plan
// (error_report_tasks.cpp): each is deterministic in its arguments but for the seconds
// it reports, so a shard measures exactly what the unsharded run measures.
#pragma once
#include <string>
#include <vector>

#include "report/error_report.hpp"

namespace loopcert::report::detail {

// Layout facts and the per-layer peaks at double (the minimum settings left empty).
ProgramReport program_facts(const ReportProgram& rp);
// The smallest lambda at double and the smallest MPFR precision, with the predictions.
void minimum_settings(const ReportProgram& rp, ProgramReport& p, int jobs);
// One lockstep run at the default lambda, with the drift after every loop.
ScalarVerdict run_at(const ReportProgram& rp, const ScalarSpec& scalar);
// The precisions of the phase diagram (its rows), and one row of it.
std::vector<long> phase_bits(bool quick);
PhaseDiagram phase_row(const ReportProgram& rp, bool quick, long bits, int jobs);
// The softmax weights of every head of the first loop at double.
std::vector<AttentionMap> first_loop_attention(const ReportProgram& rp);
// `loopcert verify`'s lemma checks at one scalar: `trials` random and `trials` worst-case inputs.
LemmaRow lemma_row(const std::string& lemma, const ScalarSpec& scalar, int trials);
int lemma_trials(bool quick);
// The sigmoid lemma: x^2 on -1..1, staircase against fitted (cert::verify_block) at double.
SigmoidSection sigmoid_section();

}  // namespace loopcert::report::detail
