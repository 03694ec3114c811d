"""The vectorised shingling path against its scalar reference, on awkward Unicode."""
import random

import numpy as np
import xxhash

from dedupe.shingle import shingle_batch, shingle_hash, shingle_hashes, text_hash, tokens, word_hash

ALPHABET = "abcXYZ0123_ éüßİıﬁ—“”’.,!?\n\tK Ω ΣΑΣ 東京 ǅ ⅷ ² 𝐀𝐁 𐐀𐐨 😀 ŉ ǰ \u0345 \U0001e900"
FIXED = ["", " ", "one", "two words", "Three Words Here", "ﬁne İstanbul", "Straße STRASSE", "𐐀𐐨x 𝐀BC",
         "Café crème brûlée — naïve résumé", "x" * 17 + " " + "y" * 16]


def _texts():
    rng = random.Random(3)
    return FIXED + ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 200))) for _ in range(150)]


def test_batch_hashes_equal_the_scalar_reference():
    texts = _texts()
    for n in (1, 3, 5):
        batch = shingle_batch(texts, n)
        for i, t in enumerate(texts):
            toks = tokens(t)
            assert batch.n_tokens[i] == len(toks)
            got = batch.hashes[batch.starts[i]:batch.starts[i + 1]].tolist()
            if len(toks) >= n:
                assert got == [shingle_hash(toks[k:k + n]) for k in range(len(toks) - n + 1)], (n, t)
            words = np.array([word_hash(w) for w in toks], dtype=np.uint64)
            assert batch.text_hashes[i] == xxhash.xxh3_64_intdigest(words.tobytes()) == text_hash(t)
            assert np.array_equal(shingle_hashes(t, n), np.unique(np.array(got, dtype=np.uint64)))


def test_invalid_surrogates_do_not_crash():
    assert len(shingle_batch(["bad \udcff surrogate x y"], 3).hashes) >= 1
    assert isinstance(text_hash("a \udcff"), int)
