"""site-builder: OCR'd magazine pages → Markdown edition → static site.

The package follows the data flow:
seeds → ``convert`` → content/ → ``model`` → ``render`` → public/.
"""

__version__ = "0.1.0"
