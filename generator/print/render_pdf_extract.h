// Output 3, the printed extracts for parents who declined electronic access (Положение
// 8.3, 4.3; Порядок 3.8): for each student of a class, the lessons of the period with
// topics, the marks with their work types, the subject's average over the period and over
// the reporting period to date with the forecast, the homework set for the coming days,
// missed lessons and lates, remarks and events, and the signature lines; a class as one
// PDF ready for duplex printing (each student on a new sheet), ending with the class
// teacher's distribution list. Grade 1: attendance and topics only.
#pragma once

#include <string>
#include <vector>

#include "figures/diary.h"

namespace jp {

struct ExtractBatch {
  int class_ix = -1;
  std::vector<int> students;  ///< in Russian alphabetical order
  Day from = 0, to = 0;       ///< the period, inclusive
  bool a5 = false;            ///< two A5 extracts per A4 sheet
  std::string file;           ///< `<class>.pdf`, or `<class>~<student>.pdf` when asked for one
};

std::string render_pdf_extracts(const DiaryIndex& ix, const ExtractBatch& b, Day today);

}  // namespace jp
