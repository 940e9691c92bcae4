// How `loopcert certify` prints its verdicts: one readable paragraph (verdict first, then
// what it is sound for, the size of the proof, the witness when refuted), or JSON.
#pragma once
#include <ostream>

#include "cert/exhaustive.hpp"
#include "report/json.hpp"

namespace loopcert::report {

void write_text(std::ostream& out, const std::string& program, const cert::ExhaustiveCertificate& c);
Json to_json(const std::string& program, const cert::ExhaustiveCertificate& c);

}  // namespace loopcert::report
