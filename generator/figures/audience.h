// Who sees what (Положение 3.10): one private area per electronic guardian, at an address
// made from the site key, showing only that guardian's children who may be published.
// The site writes the areas; the access letters print their addresses.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/journal.h"

namespace jp {

/// The folder of a guardian's area, e.g. `f/3f9c...`.
std::string area_folder(const std::string& site_key, const Journal& j, const Guardian& g,
                        long long epoch);

/// An electronic guardian's private area and the children it shows.
struct FamilyArea {
  int guardian = -1;
  std::vector<int> children;  ///< published children (consent, still at school)
  std::string folder;         ///< `f/<token>` (encrypted mode: `f/<HKDF of the family key>`)
  /// The family's address after the site's base URL: `f/<token>/`, or in encrypted mode
  /// `#<family key, base64url>` (the fragment, which no browser sends to a server).
  std::string address;
  std::string page_key;  ///< encrypted mode: the AES-256-GCM key of the area's pages
  long long epoch = 1;
};

/// Who gets an area: electronic guardians, with their children who consented and still
/// study at the school on `today` (paper guardians, students without consent and students
/// who have left get nothing). In the journal's guardian order. `encrypted`: the areas of
/// encrypted mode (docs/site.md), whose folder and page key come from the family key.
std::vector<FamilyArea> family_areas(const Journal& j,
                                     const std::map<std::string, long long>& epochs,
                                     const std::string& site_key, Day today,
                                     bool encrypted = false);

}  // namespace jp
