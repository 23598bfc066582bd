"""Type stubs for :mod:`sharpgrad.printing`: printing graphs."""

import os
from typing import Any, Dict, Literal, Optional, TextIO, Union, overload

__all__ = ["debugprint", "dprint", "pp", "pprint", "pydotprint", "default_colorCodes", "pydot_imported"]

default_colorCodes: Dict[str, str]
pydot_imported: bool

@overload
def debugprint(obj: Any, depth: int = -1, print_type: bool = False, *, file: Literal["str"],
               **kwargs: Any) -> str: ...
@overload
def debugprint(obj: Any, depth: int = -1, print_type: bool = False, file: Optional[TextIO] = None,
               **kwargs: Any) -> TextIO: ...

dprint = debugprint

def pprint(obj: Any) -> str: ...

pp = pprint

def pydotprint(fct: Any, outfile: Union[str, "os.PathLike[str]", None] = None, compact: bool = True,
               format: str = "png", with_ids: bool = False, high_contrast: bool = True, cond_highlight: Any = None,
               colorCodes: Optional[Dict[str, str]] = None, max_label_size: int = 70, scan_graphs: bool = False,
               var_with_name_simple: bool = False, print_output_file: bool = True,
               return_image: bool = False) -> Any: ...
