#include "core/diag.h"

#include <fmt/format.h>

#include <map>

namespace jp {

std::string format(const Diagnostic& d) {
  std::string where = d.file;
  if (d.line > 0) {
    where += fmt::format(":{}:{}", d.line, d.column);
  } else {
    if (!d.pointer.empty()) where += ": " + d.pointer;
    if (!d.record.empty()) where += " (" + d.record + ")";
  }
  if (where.empty()) where = "input";
  return where + (d.severity == Severity::warning ? ": warning: " : ": ") + d.message;
}

void Diagnostics::add(Diagnostic d) {
  (d.severity == Severity::error ? errors_ : warnings_)++;
  items_.push_back(std::move(d));
}

void Diagnostics::error(std::string file, std::string pointer, std::string record,
                        std::string message) {
  add({Severity::error, std::move(file), 0, 0, std::move(pointer), std::move(record), "",
       std::move(message)});
}

void Diagnostics::warning(std::string code, std::string file, std::string pointer,
                          std::string record, std::string message) {
  add({Severity::warning, std::move(file), 0, 0, std::move(pointer), std::move(record),
       std::move(code), std::move(message)});
}

void Diagnostics::append(Diagnostics&& other) {
  for (auto& d : other.items_) add(std::move(d));
  other.items_.clear();
  other.errors_ = other.warnings_ = 0;
}

std::string Diagnostics::report(size_t error_limit, size_t warning_limit_per_kind) const {
  std::string out;
  size_t shown = 0;
  for (const auto& d : items_) {
    if (d.severity != Severity::error) continue;
    if (shown++ < error_limit) out += format(d) + "\n";
  }
  if (shown > error_limit)
    out += fmt::format("... and {} more errors not shown\n", shown - error_limit);
  // Real journals carry thousands of late marks; show a sample of each kind and count
  // the rest (all of them are stored for the audit report).
  std::map<std::string, size_t> per_code;
  for (const auto& d : items_) {
    if (d.severity != Severity::warning) continue;
    if (per_code[d.code]++ < warning_limit_per_kind) out += format(d) + "\n";
  }
  for (const auto& [code, n] : per_code)
    if (n > warning_limit_per_kind)
      out += fmt::format("... and {} more warnings of kind {}\n", n - warning_limit_per_kind, code);
  return out;
}

}  // namespace jp
