"""What each upload answers each hostile file (tests/hostile/files.py): the refusal, which names
the file and says why in Chinese, or None where the file is accepted because it harms no one there.

Evidence is kept and handed to reviewers, never parsed on the server: a workbook with a cell at
column XFD or a PDF page that draws 200,000 characters is slow only for a parser (Excel and PDF
viewers show them at once), so evidence accepts them; what would act on a reviewer's computer
(programs, macros, scripts, bombs, fake pictures) is refused.
"""

from __future__ import annotations

# What the import answers each hostile file: the refusal names the file and says why.
IMPORT = {
    "docx-bomb": "压缩炸弹.docx：解压后超过 100 MB 的上限",
    "docx-deep": "深层嵌套.docx：XML 嵌套超过 256 层的上限（word/document.xml）",
    "docx-with-program": "佐证材料.docx：包含可执行程序（word/media/setup.exe）",
    "xlsx-shared-strings-bomb": "批量填报.xlsx：解压后超过 100 MB 的上限",
    "xlsx-wide": "宽表.xlsx：未识别出任务",
    "xlsx-corners": "角落.xlsx：工作表“Sheet1”过大（17,179,869,184 个单元格），超过 5,000,000 个单元格的上限",
    "pdf-slow": "慢速解析.pdf：第 1 页的内容解压后超过 4 MB 的上限",
    "pdf-dense": "密集文字.pdf：第 1 页绘制的文字、线条和图片超过 50,000 个的上限",
    "pdf-javascript": "整改报告.pdf：PDF 含 JavaScript 脚本",
    "pdf-launch": "工作台账.pdf：PDF 含启动外部程序的动作（Launch）",
    "text-huge": "超长文本.txt：文字超过 100 万字的上限",
    "docx-entities": "实体炸弹.docx：word/document.xml 含有 DOCTYPE 声明",
    "xlsx-macro": "带宏的表.xlsx：包含宏或控件（xl/vbaProject.bin）",
    "png-bomb": "现场照片.png：不支持的文件类型“.png”",
    "png-fake": "截图.png：不支持的文件类型“.png”",
    "jpeg-polyglot": "现场照片.jpg：不支持的文件类型“.jpg”",
}

NOT_A_WORKBOOK = "文件不是 Excel 工作簿（.xlsx），无法读取"
NOT_OUR_TEMPLATE = "这不是本系统的报送模板（缺少“进展报送”工作表）"
BULK = {
    "docx-bomb": "压缩炸弹.docx：解压后超过 20 MB 的上限",
    "docx-deep": NOT_A_WORKBOOK,
    "docx-with-program": NOT_A_WORKBOOK,
    "xlsx-shared-strings-bomb": "批量填报.xlsx：解压后超过 20 MB 的上限",
    "xlsx-wide": NOT_OUR_TEMPLATE,
    "xlsx-corners": NOT_OUR_TEMPLATE,
    "pdf-slow": NOT_A_WORKBOOK,
    "pdf-dense": NOT_A_WORKBOOK,
    "pdf-javascript": NOT_A_WORKBOOK,
    "pdf-launch": NOT_A_WORKBOOK,
    "text-huge": NOT_A_WORKBOOK,
    "docx-entities": NOT_A_WORKBOOK,
    "xlsx-macro": NOT_OUR_TEMPLATE,
    "png-bomb": NOT_A_WORKBOOK,
    "png-fake": NOT_A_WORKBOOK,
    "jpeg-polyglot": NOT_A_WORKBOOK,
}
ACCEPTED = None  # harmless where it goes (see above)
EVIDENCE: dict[str, str | None] = {
    "docx-bomb": "压缩炸弹.docx：解压后超过 100 MB 的上限",
    "docx-deep": "深层嵌套.docx：XML 嵌套超过 256 层的上限（word/document.xml）",
    "docx-with-program": "佐证材料.docx：包含可执行程序（word/media/setup.exe），不能上传",
    "xlsx-shared-strings-bomb": "批量填报.xlsx：解压后超过 100 MB 的上限",
    "xlsx-wide": ACCEPTED,
    "xlsx-corners": ACCEPTED,
    "pdf-slow": ACCEPTED,
    "pdf-dense": ACCEPTED,
    "pdf-javascript": "整改报告.pdf：PDF 含 JavaScript 脚本，不能上传",
    "pdf-launch": "工作台账.pdf：PDF 含启动外部程序的动作（Launch），不能上传",
    "text-huge": "超长文本.txt：不支持的文件类型“.txt”",
    "docx-entities": "实体炸弹.docx：word/document.xml 含有 DOCTYPE 声明",
    "xlsx-macro": "带宏的表.xlsx：包含宏或控件（xl/vbaProject.bin）",
    "png-bomb": "现场照片.png：图片像素过多，上限 5000 万像素",
    "png-fake": "截图.png：图片已损坏或不是 PNG 格式",
    "jpeg-polyglot": "现场照片.jpg：文件中还夹带了压缩包",
}
