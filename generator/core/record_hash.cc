#include "core/record_hash.h"

namespace jp {

uint64_t school_wide_hash(const Journal& j, uint64_t g) {
  g = record_hash(j.year, record_hash(j.school, g));
  // Settings are not a record of the input (no description): hashed field by field.
  const Settings& st = j.settings;
  for (const auto& v : st.numeric_marks) g = hash_text(g, v);
  for (const auto& v : st.other_marks) g = hash_text(g, v);
  for (const auto& [m, t] : st.forecast_thresholds) g = hash_number(hash_text(g, m), t);
  for (const auto& [k, v] : st.attendance_codes) g = hash_text(hash_text(g, k), v);
  g = hash_mix(hash_mix(hash_mix(g, uint64_t(st.control_limit)), uint64_t(st.min_marks)),
               uint64_t(st.grading_deadline_primary));
  g = hash_text(hash_mix(hash_mix(g, uint64_t(st.grading_deadline_basic)),
                         uint64_t(st.homework_deadline_hours)),
                st.edit_lock);
  g = table_hash(j.work_types,
                 table_hash(j.bells, table_hash(j.holidays, table_hash(j.periods, g))));
  g = table_hash(j.classes, table_hash(j.teachers, table_hash(j.subjects, g)));
  return g;
}

}  // namespace jp
