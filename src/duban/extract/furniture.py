"""Page furniture a scraper leaves around a document's text: the site's navigation and share
buttons before it, the site's footer after it ("首页 > 政务公开 > 文件通知 当前位置：首页 分享到：
微信 微博 【打印】【关闭】" … "主办单位：某某市人民政府办公室 版权所有 网站标识码…").

A web page's reader drops these by their markup; in flattened text only their words tell them,
so only the head and the tail of the text are looked at.
"""

from __future__ import annotations

import re

_HEAD_WINDOW = 400
_TAIL_WINDOW = 400
# The last of these near the start ends the navigation.
_NAVIGATION = re.compile(
    r"首页\s*[>＞›»]|当前位置\s*[：:]|您现在的位置|分享到\s*[：:]?|【打印】|【关闭】|【打印本页】|【关闭窗口】|"
    r"【字体[：:]?[^】]{0,8}】|字号\s*[：:]?\s*[大中小]\s*[大中小]?\s*[大中小]?|浏览次数\s*[：:]?\s*\d*|"
    r"微信\s*微博(?:\s*QQ空间)?"
)
# The first of these near the end starts the footer.
_FOOTER = re.compile(
    r"主办单位\s*[：:]|承办单位\s*[：:].{0,30}版权|版权所有|Copyright|网站标识码|"
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]ICP备|技术支持\s*[：:]"
)


def head_end(text: str) -> int:
    """Where the text proper starts after the navigation before it (0 when there is none)."""
    end = 0
    for m in _NAVIGATION.finditer(text, 0, min(len(text), _HEAD_WINDOW)):
        end = m.end()
    return end


def tail_start(text: str) -> int:
    """Where the site's footer after the text starts (len(text) when there is none)."""
    lo = max(0, len(text) - _TAIL_WINDOW)
    m = _FOOTER.search(text, lo)
    return m.start() if m else len(text)
