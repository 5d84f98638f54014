"""Password hashing: Argon2id with the parameters RFC 9106 recommends when memory is limited (issue 9).

Django's defaults (2 passes over 100 MiB, 8 lanes) make every login allocate 100 MiB inside the web worker that
answers it: that one allocation was most of a worker's peak memory (a worker holds ~90–100 MB, then ~195 MB
during a login). RFC 9106 §4's second recommended option — "a uniformly safe option" where less memory is
available — is 3 passes over 64 MiB with 4 lanes: an attacker's memory × time per guess is 192 MiB·passes
instead of 200, a login takes the same CPU time, and a worker peaks 36 MiB lower.

The algorithm name stays "argon2", so every stored hash keeps verifying (a hash carries its own parameters),
and Django re-hashes a password with these parameters at its owner's next login (`must_update`).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher


class Argon2PasswordHasher(DjangoArgon2PasswordHasher):
    time_cost = 3
    memory_cost = 64 * 1024  # KiB
    parallelism = 4
