// A record's columns, bound and read as core/records.h describes its fields: the schema's
// column names are the fields' (Field::sql), and every table of records is written and
// read by the same two loops (store.cc, model.cc). Lists and nested records (a class's
// groups, a guardian's children) are tables of their own, written beside their record.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/records.h"
#include "store/sqlite.h"

namespace jp::sql {

std::string opt_date(const std::optional<Day>& d);
std::string clock_text(int minutes);
Day date_col(const Stmt& st, int col);
std::optional<Day> opt_date_col(const Stmt& st, int col);
std::string join_ints(const std::vector<int>& v);
std::vector<int> split_ints(const std::string& s);

/// The column names of a record's fields, in the order `describe` visits them.
struct Columns {
  std::vector<std::string> names;
  template <class... T>
  void add(const Field& f, T&&...) {
    names.emplace_back(f.sql());
  }
  void id(const Field& f, const std::string&) { add(f); }
  template <class... T>
  void text(const Field& f, T&&...) {
    add(f);
  }
  template <class... T>
  void text_or_int(const Field& f, T&&...) {
    add(f);
  }
  template <class... T>
  void one_of(const Field& f, T&&...) {
    add(f);
  }
  template <class... T>
  void timestamp(const Field& f, T&&...) {
    add(f);
  }
  template <class... T>
  void nullable_value(const Field& f, T&&...) {
    add(f);
  }
  template <class... T>
  void integer(const Field& f, T&&...) {
    add(f);
  }
  template <class... T>
  void positive(const Field& f, T&&...) {
    add(f);
  }
  template <class... T>
  void boolean(const Field& f, T&&...) {
    add(f);
  }
  template <class... T>
  void date(const Field& f, T&&...) {
    add(f);
  }
  template <class... T>
  void clock(const Field& f, T&&...) {
    add(f);
  }
  template <class... T>
  void grades(const Field& f, T&&...) {
    add(f);
  }
  void person(const Field& f, const Person&) {
    std::string prefix = f.key ? f.sql() : "";
    for (const char* n : {"last_name", "first_name", "middle_name"}) names.push_back(prefix + n);
  }
  template <class... T>
  void strings(const Field&, T&&...) {}  // a table of its own
  template <class... T>
  void records(const Field&, T&&...) {}  // a table of its own
};

template <class T>
std::vector<std::string> columns_of() {
  Columns c;
  T x{};
  describe(c, x);
  return c.names;
}

/// `INSERT INTO table(lead..., fields...) VALUES(?, ...)`: bind the lead columns from 1,
/// then the record with Bind{st, lead.size() + 1}.
template <class T>
std::string insert_sql(const char* table, std::initializer_list<const char*> lead) {
  std::vector<std::string> cols(lead.begin(), lead.end());
  for (auto& c : columns_of<T>()) cols.push_back(c);
  std::string marks;
  for (size_t i = 0; i < cols.size(); ++i) marks += i ? ",?" : "?";
  return fmt::format("INSERT INTO {}({}) VALUES({})", table, fmt::join(cols, ","), marks);
}

/// `SELECT lead..., fields... FROM table WHERE ds = ?1 ORDER BY order`: the record's
/// columns start after the lead columns.
template <class T>
std::string select_sql(const char* table, std::initializer_list<const char*> lead,
                       const char* order = "seq") {
  std::vector<std::string> cols(lead.begin(), lead.end());
  for (auto& c : columns_of<T>()) cols.push_back(c);
  return fmt::format("SELECT {} FROM {} WHERE ds = ?1{}{}", fmt::join(cols, ", "), table,
                     *order ? " ORDER BY " : "", order);
}

/// Binds a record's fields from parameter `i` on. Empty text binds NULL (Stmt::bind).
/// The record's own strings are bound without a copy (the record outlives its row's step);
/// the texts made here (dates, clocks) are copied.
struct Bind {
  Stmt& st;
  int i;
  void id(const Field&, const std::string& s) { st.bind_kept(i++, s); }
  void text(const Field&, const std::string& s) { st.bind_kept(i++, s); }
  void text_or_int(const Field&, const std::string& s) { st.bind_kept(i++, s); }
  void one_of(const Field&, const std::string& s) { st.bind_kept(i++, s); }
  void timestamp(const Field&, const std::string& s, const std::optional<Timestamp>&) {
    st.bind_kept(i++, s);
  }
  void nullable_value(const Field&, const std::optional<std::string>& v) {
    if (!v)
      st.bind_null(i++);
    else if (v->empty())
      st.bind_text(i++, *v);  // '' and not NULL: an empty value was given
    else
      st.bind_kept(i++, *v);
  }
  void integer(const Field&, int n) { st.bind(i++, n); }
  void integer(const Field&, const std::optional<int>& n) { st.bind(i++, n); }
  void positive(const Field&, double d) { st.bind(i++, d); }
  void positive(const Field&, const std::optional<double>& d) { st.bind(i++, d); }
  void boolean(const Field&, bool b) { st.bind(i++, b ? 1 : 0); }
  void date(const Field&, Day d) { st.bind(i++, format_date(d)); }
  void date(const Field&, const std::optional<Day>& d) { st.bind(i++, opt_date(d)); }
  void clock(const Field&, int c) { st.bind(i++, clock_text(c)); }
  void grades(const Field&, const std::vector<int>& g) { st.bind(i++, join_ints(g)); }
  void person(const Field&, const Person& p) {
    for (const std::string* s : {&p.last_name, &p.first_name, &p.middle_name})
      st.bind_kept(i++, *s);
  }
  template <class... T>
  void strings(const Field&, T&&...) {}
  template <class... T>
  void records(const Field&, T&&...) {}
};

/// Reads a record's fields from column `i` on.
struct Read {
  const Stmt& st;
  int i;
  void id(const Field&, std::string& s) { s = st.text(i++); }
  void text(const Field&, std::string& s) { s = st.text(i++); }
  void text_or_int(const Field&, std::string& s) { s = st.text(i++); }
  void one_of(const Field&, std::string& s) { s = st.text(i++); }
  void timestamp(const Field&, std::string& s, std::optional<Timestamp>& ts) {
    s = st.text(i++);
    if (!s.empty()) ts = parse_timestamp(s);
  }
  void nullable_value(const Field&, std::optional<std::string>& v) {
    if (!st.is_null(i)) v = st.text(i);
    ++i;
  }
  void integer(const Field&, int& n) { n = int(st.integer(i++)); }
  void integer(const Field&, std::optional<int>& n) {
    if (!st.is_null(i)) n = int(st.integer(i));
    ++i;
  }
  void positive(const Field&, double& d) { d = st.real(i++); }
  void positive(const Field&, std::optional<double>& d) {
    if (!st.is_null(i)) d = st.real(i);
    ++i;
  }
  void boolean(const Field&, bool& b) { b = st.integer(i++) != 0; }
  void date(const Field&, Day& d) { d = date_col(st, i++); }
  void date(const Field&, std::optional<Day>& d) { d = opt_date_col(st, i++); }
  void clock(const Field&, int& c) { c = parse_clock(st.text(i++)).value_or(0); }
  void grades(const Field&, std::vector<int>& g) { g = split_ints(st.text(i++)); }
  void person(const Field&, Person& p) {
    p.last_name = st.text(i++), p.first_name = st.text(i++), p.middle_name = st.text(i++);
  }
  template <class... T>
  void strings(const Field&, T&&...) {}
  template <class... T>
  void records(const Field&, T&&...) {}
};

}  // namespace jp::sql
