#include "figures/audience.h"

#include "core/keys.h"
#include "core/seal.h"

namespace jp {

std::string area_folder(const std::string& site_key, const Journal& j, const Guardian& g,
                        long long epoch) {
  return "f/" + access_token(site_key, j.school.id, g.id, epoch);
}

std::vector<FamilyArea> family_areas(const Journal& j,
                                     const std::map<std::string, long long>& epochs,
                                     const std::string& site_key, Day today, bool encrypted) {
  auto published = [&](const Student& s) {
    if (!s.consent) return false;
    for (const auto& e : s.enrollments)
      if (!e.to || *e.to >= today) return true;
    return false;
  };
  std::vector<FamilyArea> areas;
  for (size_t gi = 0; gi < j.guardians.size(); ++gi) {
    const Guardian& g = j.guardians[gi];
    if (g.delivery != "electronic") continue;
    FamilyArea a;
    a.guardian = int(gi);
    for (int c : g.children_ix)
      if (published(j.students[c])) a.children.push_back(c);
    if (a.children.empty()) continue;
    auto e = epochs.find(g.id);
    a.epoch = e == epochs.end() ? 1 : e->second;
    if (encrypted) {
      std::string key = family_key(site_key, j.school.id, g.id, a.epoch);
      SealedArea sealed = sealed_area(key);
      a.folder = "f/" + sealed.folder;
      a.page_key = std::move(sealed.page_key);
      a.address = "#" + base64url(key);
    } else {
      a.folder = area_folder(site_key, j, g, a.epoch);
      a.address = a.folder + "/";
    }
    areas.push_back(std::move(a));
  }
  return areas;
}

}  // namespace jp
