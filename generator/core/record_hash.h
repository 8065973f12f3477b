// A 64-bit hash of a record's every field, as core/records.h describes them: what the
// site's page fingerprints (site/site_inputs) are made of. Built from the description, a
// field added to a record is part of every fingerprint that record feeds.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/records.h"

namespace jp {

/// Order-sensitive mixing (splitmix64's finaliser).
inline uint64_t hash_mix(uint64_t h, uint64_t x) {
  h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}
/// Text, by FNV-1a and its length.
inline uint64_t hash_text(uint64_t h, std::string_view s) {
  uint64_t f = 1469598103934665603ULL;
  for (unsigned char c : s) f = (f ^ c) * 1099511628211ULL;
  return hash_mix(h, hash_mix(f, s.size()));
}
inline uint64_t hash_number(uint64_t h, double v) {
  uint64_t bits;
  static_assert(sizeof bits == sizeof v);
  std::memcpy(&bits, &v, sizeof bits);
  return hash_mix(h, bits);
}

/// Mixes every field of a record into `h`; absent optionals differ from any value.
struct RecordHash {
  uint64_t h = 0;
  void id(const Field&, const std::string& s) { h = hash_text(h, s); }
  void text(const Field&, const std::string& s) { h = hash_text(h, s); }
  void text_or_int(const Field&, const std::string& s) { h = hash_text(h, s); }
  void one_of(const Field&, const std::string& s) { h = hash_text(h, s); }
  void timestamp(const Field&, const std::string& s, const std::optional<Timestamp>&) {
    h = hash_text(h, s);  // the parsed value follows from the text
  }
  template <class T>
  void optional(const std::optional<T>& v) {
    h = hash_mix(h, v ? 1 : 0x5a5a);
    if (v) scalar(*v);
  }
  void scalar(const std::string& s) { h = hash_text(h, s); }
  void scalar(double d) { h = hash_number(h, d); }
  void nullable_value(const Field&, const std::optional<std::string>& v) { optional(v); }
  void integer(const Field&, int n) { h = hash_mix(h, uint64_t(n)); }
  void integer(const Field&, const std::optional<int>& n) { optional(n); }
  void positive(const Field&, double d) { scalar(d); }
  void positive(const Field&, const std::optional<double>& d) { optional(d); }
  void boolean(const Field&, bool b) { h = hash_mix(h, b ? 1 : 2); }
  void date(const Field&, Day d) { h = hash_mix(h, uint64_t(d)); }
  void date(const Field&, const std::optional<Day>& d) { optional(d); }
  void clock(const Field&, int c) { h = hash_mix(h, uint64_t(c)); }
  void grades(const Field&, const std::vector<int>& g) {
    h = hash_mix(h, g.size());
    for (int x : g) h = hash_mix(h, uint64_t(x));
  }
  void person(const Field&, const Person& p) {
    for (const std::string* s : {&p.last_name, &p.first_name, &p.middle_name}) scalar(*s);
  }
  void strings(const Field&, const std::vector<std::string>& v) {
    h = hash_mix(h, v.size());
    for (const auto& s : v) scalar(s);
  }
  void strings(const Field& f, const std::optional<std::vector<std::string>>& v) {
    h = hash_mix(h, v ? 1 : 0x5a5a);
    if (v) strings(f, *v);
  }
  template <class T>
  void records(const Field&, const std::vector<T>& v) {
    h = hash_mix(h, v.size());
    for (const T& x : v) describe(*this, x);
  }
};

template <class T>
uint64_t record_hash(const T& x, uint64_t seed = 0) {
  RecordHash r{seed};
  describe(r, x);
  return r.h;
}

/// Every record of a table, in order, and their number.
template <class T>
uint64_t table_hash(const std::vector<T>& records, uint64_t h) {
  h = hash_mix(h, records.size());
  for (const T& x : records) h = record_hash(x, h);
  return h;
}

/// What every document of a school shows or is computed with: the school, the year, the
/// settings and the small tables (periods, holidays, bells, work types, subjects,
/// teachers, classes). Shared by the site's page fingerprints and the archive's.
uint64_t school_wide_hash(const Journal& j, uint64_t h);

}  // namespace jp
