#include "store/record_sql.h"

namespace jp::sql {

std::string opt_date(const std::optional<Day>& d) { return d ? format_date(*d) : std::string(); }

std::string clock_text(int minutes) {
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

Day date_col(const Stmt& st, int col) {
  auto d = parse_date(st.text(col));
  if (!d)
    throw std::runtime_error(fmt::format("the database holds a bad date \"{}\"", st.text(col)));
  return *d;
}

std::optional<Day> opt_date_col(const Stmt& st, int col) {
  if (st.is_null(col)) return std::nullopt;
  return date_col(st, col);
}

std::string join_ints(const std::vector<int>& v) { return fmt::format("{}", fmt::join(v, ",")); }

std::vector<int> split_ints(const std::string& s) {
  std::vector<int> r;
  for (size_t pos = 0; pos < s.size();) {
    size_t comma = s.find(',', pos);
    if (comma == std::string::npos) comma = s.size();
    r.push_back(std::stoi(s.substr(pos, comma - pos)));
    pos = comma + 1;
  }
  return r;
}

}  // namespace jp::sql
