// Russian name lists for the synthetic journal (`sample`), with the forms needed to
// make believable people: female surnames, patronymics from the father's name.
#pragma once

#include <string>
#include <vector>

namespace jp::names {

struct MaleName {
  const char* name;
  const char* patronymic_m;  ///< Сергеевич
  const char* patronymic_f;  ///< Сергеевна
};

const std::vector<MaleName>& male();
const std::vector<const char*>& female();
/// Surnames in the male form; some with `ё`, some double, some indeclinable.
const std::vector<const char*>& surnames();

/// The female form of a surname: Соловьёв -> Соловьёва, Вишневский -> Вишневская,
/// Римский-Корсаков -> Римская-Корсакова; Шевченко, Ким and Белых do not change.
std::string female_surname(const std::string& male);

}  // namespace jp::names
