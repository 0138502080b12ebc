"""The sort key of a name in pinyin order, as a Chinese reader expects a list of names.

Sorting by character code puts 余 before 王 and scatters one surname over the
list; pinyin (then tone) order is the order of a printed register.
"""

from pypinyin import Style, lazy_pinyin

SORT_KEY_LENGTH = 300

# Surnames read differently from the everyday reading of the character.
_SURNAMES = {
    "曾": "zeng1",
    "单": "shan4",
    "解": "xie4",
    "仇": "qiu2",
    "朴": "piao2",
    "区": "ou1",
    "查": "zha1",
    "乐": "yue4",
    "翟": "zhai2",
    "覃": "qin2",
    "缪": "miao4",
    "盖": "ge3",
    "召": "shao4",
    "员": "yun4",
    "折": "she2",
    "尉迟": "yu4 chi2",
    "万俟": "mo4 qi2",
    "长孙": "zhang3 sun1",
}


def name_sort_key(name: str) -> str:
    """Return e.g. "lin2 xiao3 hong2" for 林晓红; letters and digits lowercased as they are."""
    name = (name or "").strip()
    if not name:
        return ""
    head = ""
    for surname, reading in _SURNAMES.items():
        if name.startswith(surname) and len(name) > len(surname):
            head, name = reading, name[len(surname) :]
            break
    syllables = [
        part.strip().lower()
        for part in lazy_pinyin(name, style=Style.TONE3, errors="default")
        if part.strip()
    ]
    return " ".join(filter(None, [head, *syllables]))[:SORT_KEY_LENGTH]
