// The synthetic school's curriculum: its subjects, the hours a week of each grade, and the
// lesson topics of a subject in a grade (templates/sample/topics.json).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace jp::sample {

struct SubjectDef {
  const char* id;
  const char* name;
  const char* short_name;
  bool graded;
  const char* teacher_position;
};

/// Every subject of the school, in the school's order.
const std::vector<SubjectDef>& subject_defs();
const SubjectDef& subject_def(const std::string& id);

/// Hours a week per subject id for a grade (ФООП 2023, simplified).
std::vector<std::pair<std::string, int>> curriculum(int grade);

/// The topics of a subject's lessons in a grade, in the order taught; topics.json keys
/// them by subject, then by grade or grade band (`5`, `2-4`). Throws std::logic_error when
/// the subject has no list for the grade.
const std::vector<std::string>& topics(const std::string& subject, int grade);

}  // namespace jp::sample
