// The journal grid the SaaS journals export (docs/import-formats.md, "The journal grid"):
// one sheet per class and subject, named «5А Математика»; a header row with «№», «ФИО» and
// one column per lesson headed `ДД.ММ` (an optional second row with the lessons' topics),
// period-mark columns headed by a period's name; a row per pupil, marks in the cells
// (`5`, `4/5`, `н`, `б`, `у`, `осв`, `н/а`: the school's own mark scale and attendance
// codes). The roster comes from the tabular (or other) tables beside it; the grid gives
// lessons, marks, attendance and period marks, fed through the JSON reader's checks.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/diag.h"
#include "core/journal.h"
#include "ingest/load.h"
#include "ingest/table.h"

namespace jp {

/// What a grid is read against: the records the other tables gave.
struct Roster {
  const Year* year = nullptr;
  const Settings* settings = nullptr;
  std::vector<const SchoolClass*> classes;
  std::vector<const Student*> students;
  std::vector<const Subject*> subjects;
  std::vector<const Teacher*> teachers;
  std::vector<const Period*> periods;
};

/// Whether a table looks like a journal grid: a header row (among the first ten) with «ФИО».
bool looks_like_grid(const Table& t);

/// A record's index in a grid feed: its cell, for the diagnostics' places.
inline uint32_t grid_index(uint32_t row, size_t col) { return row * 16384u + uint32_t(col); }

/// Reads one grid into `feed` (lessons, marks, attendance, final marks; indices from
/// grid_index). `numbers` gives each (class, date) its next lesson number across grids.
/// Problems (an unknown or ambiguous name, a cell that is no mark) are errors naming the
/// sheet and cell, in `diag`.
void read_grid(const Table& t, const Roster& roster, RecordFeed& feed,
               std::map<std::pair<std::string, Day>, int>& numbers, Diagnostics& diag);

}  // namespace jp
