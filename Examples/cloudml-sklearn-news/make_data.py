#!/usr/bin/env python3
"""Writes a small synthetic News Aggregator zip for the vendored scikit-learn trainer.

The trainer (task.py, unchanged) calls wget.download(--dataset-url, out=".")
and extracts the member newsCorpora.csv from the zip into its working
directory. Format (the UCI "News Aggregator" data set, NewsAggregatorDataset.zip):
newsCorpora.csv, tab-separated, no header, 8 columns
ID, TITLE, URL, PUBLISHER, CATEGORY, STORY, HOSTNAME, TIMESTAMP;
CATEGORY is b (business), t (science and technology), e (entertainment)
or m (health). The trainer reads only TITLE and CATEGORY.

Each title mixes words of its category with words of other categories and
words shared by all, drawn with Zipf frequencies from vocabularies whose tail
is made-up rare words, so the data is learnable (accuracy about 0.65-0.72)
and the accuracy moves with MultinomialNB's smoothing alpha (best near 1).
Titles contain no tabs or quotes.
Deterministic (seeded).

Usage: python3 make_data.py [OUT_DIR]   (default: data/ next to this script)
Writes OUT_DIR/NewsAggregatorDataset.zip (about 4000 rows).
Only the standard library and numpy are used.
"""
import io
import os
import sys
import zipfile

import numpy as np

ROWS = 4000
CATEGORIES = {
    'b': 'stocks shares market investors profit earnings bank fed rates dollar '
         'economy trade merger revenue quarter oil prices growth ceo',
    't': 'apple google microsoft smartphone software app android iphone data '
         'internet chip users tech cloud security update device space',
    'e': 'film movie star actor singer album music tv show festival award '
         'concert premiere celebrity trailer series box office',
    'm': 'health study cancer drug virus patients doctors ebola disease fda '
         'vaccine hospital outbreak risk heart brain diet obesity',
}
SHARED = ('new says report first after over year week could may more will '
          'top big best back set amid ahead plan deal record time world us '
          'sees gets makes takes calls latest hits launch trial'.split())
PUBLISHERS = ['Reuters', 'Los Angeles Times', 'Businessweek', 'Forbes', 'CNET', 'Variety']
SYLLABLES = ('ba be bi bo bu ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu '
             'ra re ri ro ru sa se si so su ta te ti to tu').split()
VOCAB_SIZE = 300   # words per category and shared: the readable ones, then made-up rare ones


def make_vocab(rng, words):
    """The readable words first (frequent), then made-up ones (a long tail of rare words)."""
    words = list(words)
    while len(words) < VOCAB_SIZE:
        words.append(''.join(rng.choice(SYLLABLES, int(rng.integers(2, 4)))))
    return words


def make_rows(rng, n):
    cats = sorted(CATEGORIES)
    vocab = {c: make_vocab(rng, CATEGORIES[c].split()) for c in cats}
    shared = make_vocab(rng, SHARED)
    zipf = 1.0 / np.arange(1, VOCAB_SIZE + 1)
    zipf /= zipf.sum()
    lines = []
    for i in range(n):
        cat = cats[int(rng.integers(len(cats)))]
        words = []
        for _ in range(int(rng.integers(5, 10))):
            r = rng.random()
            if r < 0.20:      # a word of the title's own category
                words.append(vocab[cat][rng.choice(VOCAB_SIZE, p=zipf)])
            elif r < 0.30:    # a word of any category (noise)
                other = cats[int(rng.integers(len(cats)))]
                words.append(vocab[other][rng.choice(VOCAB_SIZE, p=zipf)])
            else:             # a word every category uses
                words.append(shared[rng.choice(VOCAB_SIZE, p=zipf)])
        title = ' '.join(words).capitalize()
        publisher = PUBLISHERS[int(rng.integers(len(PUBLISHERS)))]
        host = publisher.lower().replace(' ', '') + '.com'
        story = 'd' + ''.join(rng.choice(list('abcdefghijklmnopqrstuvwxyz0123456789'), 28))
        url = 'http://www.{}/news/{}'.format(host, i + 1)
        timestamp = 1394470370698 + 1000 * i
        lines.append('\t'.join([str(i + 1), title, url, publisher, cat, story, host,
                                str(timestamp)]))
    return '\n'.join(lines) + '\n'


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'data')
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(20140310)
    text = make_rows(rng, ROWS)
    path = os.path.join(out_dir, 'NewsAggregatorDataset.zip')
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo('newsCorpora.csv', date_time=(2014, 8, 27, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, text)
    print('wrote {} ({} rows)'.format(path, ROWS))


if __name__ == '__main__':
    main()
