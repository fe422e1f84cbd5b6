"""The words Textual itself shows, in Chinese: its widgets' key descriptions (listed by
`?`) and its own palette commands. Textual writes them in English in its classes; the
catalogue (`tui.i18n`) joins this table, so `retranslate` words them like daoshou's own.
Only the widgets daoshou uses are here: the app, screens, tables, scrolling containers,
text boxes, selects, option lists and buttons.
"""

from __future__ import annotations

#: English as Textual writes it -> Chinese.
KEY_DESCRIPTIONS: dict[str, str] = {
    "Focus Next": "下一个控件",
    "Focus Previous": "上一个控件",
    "Copy selected text": "复制所选文字",
    "Select": "选中",
    "Cursor up": "上移",
    "Cursor down": "下移",
    "Cursor right": "右移",
    "Cursor left": "左移",
    "Page up": "上一页",
    "Page down": "下一页",
    "Top": "到顶部",
    "Bottom": "到底部",
    "Home": "到行首",
    "End": "到行尾",
    "Scroll Up": "向上滚动",
    "Scroll Down": "向下滚动",
    "Scroll Left": "向左滚动",
    "Scroll Right": "向右滚动",
    "Scroll Home": "滚到开头",
    "Scroll End": "滚到末尾",
    "Page Up": "向上翻页",
    "Page Down": "向下翻页",
    "Page Left": "向左翻页",
    "Page Right": "向右翻页",
    "Move cursor left": "光标左移",
    "Move cursor left and select": "光标左移并选择",
    "Move cursor left a word": "光标左移一个词",
    "Move cursor left a word and select": "光标左移一个词并选择",
    "Move cursor right or accept the completion suggestion": "光标右移或接受补全",
    "Move cursor right and select": "光标右移并选择",
    "Move cursor right a word": "光标右移一个词",
    "Move cursor right a word and select": "光标右移一个词并选择",
    "Delete character left": "删除左边一个字",
    "Select all": "全选",
    "Go to start": "到开头",
    "Go to end": "到末尾",
    "Select line start": "选到行首",
    "Select line end": "选到行尾",
    "Delete character right": "删除右边一个字",
    "Submit": "提交",
    "Delete left to start of word": "向左删除到词首",
    "Delete all to the left": "删除左边全部",
    "Delete right to start of word": "向右删除到词首",
    "Delete all to the right": "删除右边全部",
    "Cut selected text": "剪切所选文字",
    "Paste text from the clipboard": "从剪贴板粘贴",
    "Show menu": "展开选项",
    "Dismiss menu": "收起选项",
    "Down": "下一项",
    "Up": "上一项",
    "First": "第一项",
    "Last": "最后一项",
    "Press button": "按下按钮",
}

#: Textual's own palette commands, by the English help it gives them -> catalogue key.
SYSTEM_COMMANDS: dict[str, str] = {
    "Change the current theme": "palette.theme",
    "Quit the application as soon as possible": "palette.quit",
    "Hide the keys and widget help panel": "palette.keys_hide",
    "Show help for the focused widget and a summary of available keys": "palette.keys",
    "Minimize the widget and restore to normal size": "palette.minimize",
    "Maximize the focused widget": "palette.maximize",
    "Save an SVG 'screenshot' of the current screen": "palette.screenshot",
}

#: Their titles and helps in both languages (catalogue entries).
SYSTEM_WORDS: dict[str, tuple[str, str]] = {
    "palette.theme": ("配色", "Theme"),
    "palette.theme.help": ("更换界面的配色主题", "Change the colour theme"),
    "palette.quit": ("退出", "Quit"),
    "palette.quit.help": ("立即退出到手", "Quit daoshou now"),
    "palette.keys": ("按键", "Keys"),
    "palette.keys.help": ("显示当前界面的按键和说明", "Show the keys of this screen"),
    "palette.keys_hide": ("按键", "Keys"),
    "palette.keys_hide.help": ("收起按键说明", "Hide the keys panel"),
    "palette.minimize": ("还原", "Minimize"),
    "palette.minimize.help": ("把放大的控件还原", "Restore the maximized widget"),
    "palette.maximize": ("放大", "Maximize"),
    "palette.maximize.help": ("把当前控件放大到全屏", "Make the focused widget fill the screen"),
    "palette.screenshot": ("截图", "Screenshot"),
    "palette.screenshot.help": ("把当前界面存为 SVG 图片", "Save the screen as an SVG picture"),
    "palette.search": ("搜索命令…", "Search for commands…"),
}
