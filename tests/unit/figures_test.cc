#include "figures/figures.h"

#include <catch2/catch.hpp>

using namespace jp;

TEST_CASE("forecast thresholds (Положение 2.8)") {
  Settings s;
  CHECK(forecast(s, 4.5) == "5");
  CHECK(forecast(s, 4.49) == "4");
  CHECK(forecast(s, 3.5) == "4");
  CHECK(forecast(s, 2.5) == "3");
  CHECK(forecast(s, 2.49) == "2");
  CHECK(forecast(s, (4.5 * 3) / 3) == "5");
  s.forecast_thresholds = {{"5", 4.6}, {"4", 3.6}, {"3", 2.6}};
  CHECK(forecast(s, 4.5) == "4");
}

TEST_CASE("weighted average: weight of the mark, else of its work type, else 1") {
  Journal j;
  j.work_types.push_back({"control", "К/р", 2, true, {}});
  Mark a;
  a.value = "5";
  Mark b;
  b.value = "2";
  b.work_type_ix = 0;
  Mark c;
  c.value = "4";
  c.weight = 3;
  c.work_type_ix = 0;
  CHECK(mark_weight(j, a) == 1);
  CHECK(mark_weight(j, b) == 2);
  CHECK(mark_weight(j, c) == 3);
  Average avg;
  for (const Mark* m : {&a, &b, &c})
    avg.add(*numeric_value(j.settings, m->value), mark_weight(j, *m));
  CHECK(avg.value().value() == Approx((5 * 1 + 2 * 2 + 4 * 3) / 6.0));
  CHECK_FALSE(numeric_value(j.settings, "н/а"));
  CHECK_FALSE(Average{}.value());
}

TEST_CASE("edit lock ends (Порядок 3.6)") {
  Day d = *parse_date("2024-01-31");
  CHECK_FALSE(edit_lock_until("never", d));
  CHECK(format_date(*edit_lock_until("1w", d)) == "2024-02-07");
  CHECK(format_date(*edit_lock_until("3w", d)) == "2024-02-21");
  CHECK(format_date(*edit_lock_until("1m", d)) == "2024-02-29");
  CHECK(format_date(*edit_lock_until("1m", *parse_date("2023-12-15"))) == "2024-01-15");
}
