// Russian name lists for the synthetic journal (`sample`), from templates/sample/names.json,
// with the forms needed to make believable people: female surnames, patronymics from the
// father's name.
#pragma once

#include <string>
#include <vector>

namespace jp::names {

struct MaleName {
  std::string name;
  std::string patronymic_m;  ///< Сергеевич
  std::string patronymic_f;  ///< Сергеевна
};

const std::vector<MaleName>& male();
const std::vector<std::string>& female();
/// Surnames in the male form; some with `ё`, some double, some indeclinable.
const std::vector<std::string>& surnames();

/// The female form of a surname: Соловьёв -> Соловьёва, Вишневский -> Вишневская,
/// Римский-Корсаков -> Римская-Корсакова; Шевченко, Ким and Белых do not change.
std::string female_surname(const std::string& male);

}  // namespace jp::names
