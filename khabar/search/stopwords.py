"""Persian function words: what a plain query never requires and does not search for on its own.

A question typed as a user types it (``علل مرگ و میر نهنگ‌ها``, ``راه‌های جلوگیری از ابتلا به دیابت``) is mostly
content words held together by conjunctions, prepositions, pronouns and auxiliaries. Those words are in nearly every
article, so requiring them finds nothing more and searching for them alone finds everything; BM25 gives them almost
no weight anyway. A plain query therefore leaves them out of its words, but keeps them inside the phrases that
reward words typed next to each other (``مرگ و میر``), and searches for them when the query has nothing else.

Written by hand (closed classes of the language, not a frequency list: a word frequent in one archive, such as
``تهران`` in Hamshahri, is still a word someone searches for). Compared in their search form
(:func:`khabar.text.terms.term_texts`: folded letters, no ZWNJ), so every spelling of a function word is one.
"""

from __future__ import annotations

from khabar.text.terms import term_texts

_FUNCTION_WORDS = """
و یا اما ولی ولیکن لیکن که تا اگر چون چونکه زیرا پس سپس نیز هم بلکه وگرنه آنگاه چنانچه هرچند اگرچه
از به با در بر برای بی بدون جز درباره دربارهٔ مانند مثل میان بین پیش زیر روی سوی نزد طی توسط علیه
درون بیرون کنار همراه بجز به‌جز مگر را ای
من تو او ما شما آنها آنان ایشان وی آن این اینها اینان خود خویش همه هر هیچ دیگر دیگری چنین چنان همین
همان یکدیگر برخی بعضی همچنین حتی فقط تنها هنوز اکنون نیز بسیار خیلی یک یکی
است هست نیست بود بوده باشد باشند شد شده شود شوند می‌شود می‌شوند کرد کرده کند کنند می‌کند می‌کنند
دارد دارند داشت داشته باید نباید هستند بودند شدند اند ام ایم اید
آیا چرا چگونه چطور چه کدام کجا چند
"""

STOPWORDS: frozenset[str] = frozenset(term for word in _FUNCTION_WORDS.split() for term in term_texts(word))
