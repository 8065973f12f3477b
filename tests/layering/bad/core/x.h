#pragma once
#include "site/y.h"
