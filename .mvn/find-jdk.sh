# Finds a JDK >= 25 for goloom; sourced by ./goloom and ./mvnw (POSIX sh).
# goloom_find_jdk prints the first of JAVA_HOME, JAVA25_HOME, /usr/lib/jvm/*, /usr/java/*,
# /opt/java/*, ~/.sdkman/candidates/java/*, ~/.jdks/* whose 'release' file says 25 or later;
# it returns 1 when there is none.
GOLOOM_MIN_JDK=25

goloom_jdk_feature() {
  [ -x "$1/bin/java" ] && [ -f "$1/release" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
}

goloom_find_jdk() {
  case $- in *f*) goloom_noglob=1; set +f ;; *) goloom_noglob= ;; esac
  goloom_found=
  for goloom_c in "${JAVA_HOME:-}" "${JAVA25_HOME:-}" /usr/lib/jvm/* /usr/java/* /opt/java/* \
      "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -n "$goloom_c" ] && [ -d "$goloom_c" ] || continue
    goloom_v=$(goloom_jdk_feature "$goloom_c")
    if [ -n "$goloom_v" ] && [ "$goloom_v" -ge "$GOLOOM_MIN_JDK" ]; then
      goloom_found=$goloom_c
      break
    fi
  done
  [ -z "$goloom_noglob" ] || set -f
  [ -n "$goloom_found" ] || return 1
  printf '%s\n' "$goloom_found"
}
