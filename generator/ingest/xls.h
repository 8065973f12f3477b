// Excel 97-2003 workbooks (.xls, BIFF), read with Debian's libfreexl: the "offline
// journal" the Дневник.ру family of platforms exports. Every worksheet becomes a table;
// dates come as `YYYY-MM-DD`. freexl does not report merged cells.
#pragma once

#include <string>
#include <vector>

#include "core/diag.h"
#include "ingest/table.h"

namespace jp {

/// The largest sheet read: rows times columns (a journal grid is a few thousand cells).
inline constexpr unsigned long long kMaxXlsCells = 20'000'000;

/// Reads the worksheets of `file`; false, with an error naming it, when it is not a
/// readable .xls (or is password-protected, or larger than kMaxXlsCells a sheet).
bool read_xls(const std::string& file, std::vector<Table>& out, Diagnostics& diag);

}  // namespace jp
