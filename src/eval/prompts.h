// The shipped judge prompts (configs/prompts/judge_*.txt), embedded at build time by
// src/eval/CMakeLists.txt, keyed by file stem ("judge_score").
#pragma once
#include <map>
#include <string>

namespace cf::eval {
const std::map<std::string, std::string>& embedded_judge_prompts();
}
