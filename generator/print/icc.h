// The sRGB profile (IEC 61966-2.1, ICC version 2) of the PDFs' output intent, embedded at
// build time from icc-profiles-free (/usr/share/color/icc/sRGB.icc, cmake/embed_binary.cmake).
#pragma once

#include <string_view>

namespace jp {

std::string_view srgb_icc();

}  // namespace jp
