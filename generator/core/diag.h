// Diagnostics: what the stages report about their *input*. Expected bad input is
// data, not an exception: stages append here and go on collecting.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace jp {

enum class Severity { warning, error };

struct Diagnostic {
  Severity severity = Severity::error;
  std::string file;     ///< input file as given on the command line
  int line = 0;         ///< for syntax errors: 1-based line (0 = not known)
  int column = 0;       ///< 1-based column in characters
  std::string pointer;  ///< JSON pointer of the record or field, e.g. `/marks/1041`
  std::string record;   ///< `id m-1041`, or the key fields of a record without id
  std::string code;     ///< stable kind of warning, e.g. `late-mark` (stored for the audit report)
  std::string message;
};

/// `FILE: POINTER (RECORD): message`, `FILE:LINE:COLUMN: message`; warnings say `warning:`.
std::string format(const Diagnostic& d);

class Diagnostics {
 public:
  void add(Diagnostic d);
  void error(std::string file, std::string pointer, std::string record, std::string message);
  void warning(std::string code, std::string file, std::string pointer, std::string record,
               std::string message);
  void append(Diagnostics&& other);

  size_t errors() const { return errors_; }
  size_t warnings() const { return warnings_; }
  const std::vector<Diagnostic>& all() const { return items_; }
  /// Errors first in input order, then warnings; at most `error_limit` errors and
  /// `warning_limit_per_kind` warnings of each kind are printed, the rest are counted.
  std::string report(size_t error_limit, size_t warning_limit_per_kind) const;

 private:
  std::vector<Diagnostic> items_;
  size_t errors_ = 0, warnings_ = 0;
};

}  // namespace jp
