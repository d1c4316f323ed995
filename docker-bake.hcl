# The devcontainer images: one target per permutation id (build/Matrix/Permutation.cs) and validate-<id>
# running that image's smoke tests; group "default" = every image, group "validate" = every validate target.
# This file is static: tags, labels, annotations, cache, platforms and outputs come per run from the build
# class as artifacts/bake.override.json (./build.sh Bake). tests/Build.Tests/Bake/BakeFileTests.cs fails
# when this file and the permutation enumeration disagree.

# The base is pinned once, by digest, in devcontainer/Dockerfile (ARG BASE_IMAGE; ./build.sh UpdateBasePin moves it).
# Empty: the Dockerfile's pin. BASE_IMAGE=<image> in the environment builds on another base.
variable "BASE_IMAGE" {
  default = ""
}

# Branch or full commit id of github.com/bloomberg/clang-p2996 (a commit id makes the fork reproducible).
variable "P2996_REF" {
  default = "p2996"
}

# LLVM's apt repository URL, used only when Ubuntu's archive has no clang-<major> (set it in the environment).
variable "LLVM_APT_REPOSITORY" {
  default = ""
}

target "_common" {
  context    = "devcontainer"
  dockerfile = "Dockerfile"
  args = {
    # null leaves the arg unset, so the Dockerfile's ARG default (the pin) applies; an empty string would override it.
    BASE_IMAGE          = BASE_IMAGE != "" ? BASE_IMAGE : null
    P2996_REF           = P2996_REF
    LLVM_APT_REPOSITORY = LLVM_APT_REPOSITORY
  }
}

target "_image" {
  inherits = ["_common"]
  target   = "image"
}

target "_validate" {
  inherits = ["_common"]
  target   = "validate"
  output   = ["type=cacheonly"]
}

target "_gcc14-clang20" {
  args = { GCC_VERSION = "14", CLANG_VERSION = "20", CLANG_SOURCE = "packages" }
}
target "_gcc14-clangp2996" {
  args = { GCC_VERSION = "14", CLANG_VERSION = "p2996", CLANG_SOURCE = "p2996" }
}
target "_gcc15-clang20" {
  args = { GCC_VERSION = "15", CLANG_VERSION = "20", CLANG_SOURCE = "packages" }
}
target "_gcc15-clangp2996" {
  args = { GCC_VERSION = "15", CLANG_VERSION = "p2996", CLANG_SOURCE = "p2996" }
}

target "gcc14-clang20" { inherits = ["_image", "_gcc14-clang20"] }
target "gcc14-clangp2996" { inherits = ["_image", "_gcc14-clangp2996"] }
target "gcc15-clang20" { inherits = ["_image", "_gcc15-clang20"] }
target "gcc15-clangp2996" { inherits = ["_image", "_gcc15-clangp2996"] }

target "validate-gcc14-clang20" { inherits = ["_validate", "_gcc14-clang20"] }
target "validate-gcc14-clangp2996" { inherits = ["_validate", "_gcc14-clangp2996"] }
target "validate-gcc15-clang20" { inherits = ["_validate", "_gcc15-clang20"] }
target "validate-gcc15-clangp2996" { inherits = ["_validate", "_gcc15-clangp2996"] }

group "default" {
  targets = ["gcc14-clang20", "gcc14-clangp2996", "gcc15-clang20", "gcc15-clangp2996"]
}

group "validate" {
  targets = ["validate-gcc14-clang20", "validate-gcc14-clangp2996", "validate-gcc15-clang20", "validate-gcc15-clangp2996"]
}
