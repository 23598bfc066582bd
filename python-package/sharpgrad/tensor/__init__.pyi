"""Type stubs for :mod:`sharpgrad.tensor`: symbolic tensors and their operations."""

from . import basic as basic
from . import extra_ops as extra_ops
from . import math as math
from . import nlinalg as nlinalg
from . import nnet as nnet
from . import slinalg as slinalg
from . import special as special
from . import subtensor as subtensor
from . import type as type
from ..gradient import Lop as Lop
from ..gradient import Rop as Rop
from ..gradient import consider_constant as consider_constant
from ..gradient import grad as grad
from ..gradient import hessian as hessian
from ..gradient import jacobian as jacobian
from ..gradient import numeric_grad as numeric_grad
from ..gradient import verify_grad as verify_grad
from .var import TensorVariable as TensorVariable
from .var import as_tensor_variable as as_tensor_variable
from .var import as_tensor as as_tensor
from .var import constant as constant
from .type import tensor as tensor
from .type import TensorType as TensorType
from .type import scalar as scalar
from .type import vector as vector
from .type import matrix as matrix
from .type import row as row
from .type import col as col
from .type import tensor3 as tensor3
from .type import tensor4 as tensor4
from .type import bscalar as bscalar
from .type import bvector as bvector
from .type import bmatrix as bmatrix
from .type import brow as brow
from .type import bcol as bcol
from .type import btensor3 as btensor3
from .type import btensor4 as btensor4
from .type import wscalar as wscalar
from .type import wvector as wvector
from .type import wmatrix as wmatrix
from .type import wrow as wrow
from .type import wcol as wcol
from .type import wtensor3 as wtensor3
from .type import wtensor4 as wtensor4
from .type import iscalar as iscalar
from .type import ivector as ivector
from .type import imatrix as imatrix
from .type import irow as irow
from .type import icol as icol
from .type import itensor3 as itensor3
from .type import itensor4 as itensor4
from .type import lscalar as lscalar
from .type import lvector as lvector
from .type import lmatrix as lmatrix
from .type import lrow as lrow
from .type import lcol as lcol
from .type import ltensor3 as ltensor3
from .type import ltensor4 as ltensor4
from .type import fscalar as fscalar
from .type import fvector as fvector
from .type import fmatrix as fmatrix
from .type import frow as frow
from .type import fcol as fcol
from .type import ftensor3 as ftensor3
from .type import ftensor4 as ftensor4
from .type import dscalar as dscalar
from .type import dvector as dvector
from .type import dmatrix as dmatrix
from .type import drow as drow
from .type import dcol as dcol
from .type import dtensor3 as dtensor3
from .type import dtensor4 as dtensor4
from .type import cscalar as cscalar
from .type import cvector as cvector
from .type import cmatrix as cmatrix
from .type import crow as crow
from .type import ccol as ccol
from .type import ctensor3 as ctensor3
from .type import ctensor4 as ctensor4
from .type import zscalar as zscalar
from .type import zvector as zvector
from .type import zmatrix as zmatrix
from .type import zrow as zrow
from .type import zcol as zcol
from .type import ztensor3 as ztensor3
from .type import ztensor4 as ztensor4
from .type import scalars as scalars
from .type import vectors as vectors
from .type import matrices as matrices
from .type import rows as rows
from .type import cols as cols
from .type import tensor3s as tensor3s
from .type import tensor4s as tensor4s
from .type import fscalars as fscalars
from .type import fvectors as fvectors
from .type import fmatrices as fmatrices
from .type import frows as frows
from .type import fcols as fcols
from .type import ftensor3s as ftensor3s
from .type import ftensor4s as ftensor4s
from .type import dscalars as dscalars
from .type import dvectors as dvectors
from .type import dmatrices as dmatrices
from .type import drows as drows
from .type import dcols as dcols
from .type import dtensor3s as dtensor3s
from .type import dtensor4s as dtensor4s
from .type import iscalars as iscalars
from .type import ivectors as ivectors
from .type import imatrices as imatrices
from .type import irows as irows
from .type import icols as icols
from .type import itensor3s as itensor3s
from .type import itensor4s as itensor4s
from .type import lscalars as lscalars
from .type import lvectors as lvectors
from .type import lmatrices as lmatrices
from .type import lrows as lrows
from .type import lcols as lcols
from .type import ltensor3s as ltensor3s
from .type import ltensor4s as ltensor4s
from .type import int_types as int_types
from .type import float_types as float_types
from .type import complex_types as complex_types
from .type import int_scalar_types as int_scalar_types
from .type import float_scalar_types as float_scalar_types
from .type import complex_scalar_types as complex_scalar_types
from .type import int_vector_types as int_vector_types
from .type import float_vector_types as float_vector_types
from .type import complex_vector_types as complex_vector_types
from .type import int_matrix_types as int_matrix_types
from .type import float_matrix_types as float_matrix_types
from .type import complex_matrix_types as complex_matrix_types
from .math import add as add
from .math import sub as sub
from .math import mul as mul
from .math import true_div as true_div
from .math import neg as neg
from .math import exp as exp
from .math import log as log
from .math import tanh as tanh
from .math import sqr as sqr
from .math import pow as pow
from .math import sum as sum
from .math import dot as dot
from .math import transpose as transpose
from .math import cast as cast
from .math import ones_like as ones_like
from .math import zeros_like as zeros_like
from .math import lt as lt
from .math import gt as gt
from .math import le as le
from .math import ge as ge
from .math import eq as eq
from .math import neq as neq
from .math import less as less
from .math import greater as greater
from .math import less_equal as less_equal
from .math import greater_equal as greater_equal
from .math import int_div as int_div
from .math import floor_div as floor_div
from .math import mod as mod
from .math import abs as abs
from .math import abs_ as abs_
from .math import sgn as sgn
from .math import and_ as and_
from .math import or_ as or_
from .math import xor as xor
from .math import invert as invert
from .math import bitwise_and as bitwise_and
from .math import bitwise_or as bitwise_or
from .math import bitwise_xor as bitwise_xor
from .math import bitwise_not as bitwise_not
from .math import mean as mean
from .math import max as max
from .math import softplus as softplus
from .math import sigmoid as sigmoid
from .math import log1p as log1p
from .math import exp2 as exp2
from .math import expm1 as expm1
from .math import log2 as log2
from .math import log10 as log10
from .math import sqrt as sqrt
from .math import reciprocal as reciprocal
from .math import sin as sin
from .math import cos as cos
from .math import tan as tan
from .math import arcsin as arcsin
from .math import arccos as arccos
from .math import arctan as arctan
from .math import arctan2 as arctan2
from .math import sinh as sinh
from .math import cosh as cosh
from .math import arcsinh as arcsinh
from .math import arccosh as arccosh
from .math import arctanh as arctanh
from .math import deg2rad as deg2rad
from .math import rad2deg as rad2deg
from .math import erf as erf
from .math import erfc as erfc
from .math import erfcx as erfcx
from .math import erfinv as erfinv
from .math import erfcinv as erfcinv
from .math import gamma as gamma
from .math import gammaln as gammaln
from .math import psi as psi
from .math import digamma as digamma
from .math import tri_gamma as tri_gamma
from .math import log1mexp as log1mexp
from .math import floor as floor
from .math import ceil as ceil
from .math import trunc as trunc
from .math import round_half_to_even as round_half_to_even
from .math import round_half_away_from_zero as round_half_away_from_zero
from .math import round as round
from .math import iround as iround
from .math import isnan as isnan
from .math import isinf as isinf
from .math import maximum as maximum
from .math import minimum as minimum
from .math import clip as clip
from .math import switch as switch
from .math import where as where
from .math import second as second
from .math import fill as fill
from .math import conjugate as conjugate
from .math import conj as conj
from .math import square as square
from .math import expit as expit
from .math import log1pexp as log1pexp
from .math import prod as prod
from .math import var as var
from .math import std as std
from .math import min as min
from .math import argmax as argmax
from .math import argmin as argmin
from .math import max_and_argmax as max_and_argmax
from .math import all as all
from .math import any as any
from .math import matmul as matmul
from .math import outer as outer
from .math import tensordot as tensordot
from .math import batched_dot as batched_dot
from .math import dot as dot
from .basic import flatten as flatten
from .basic import alloc as alloc
from .basic import zeros as zeros
from .basic import ones as ones
from .basic import eye as eye
from .basic import identity_like as identity_like
from .basic import tri as tri
from .basic import tril as tril
from .basic import triu as triu
from .basic import join as join
from .basic import concatenate as concatenate
from .basic import stack as stack
from .basic import split as split
from .basic import arange as arange
from .basic import diag as diag
from .basic import roll as roll
from .basic import tile as tile
from .basic import specify_shape as specify_shape
from .basic import unbroadcast as unbroadcast
from .basic import rebroadcast as rebroadcast
from .basic import scalar_from_tensor as scalar_from_tensor
from .basic import tensor_from_scalar as tensor_from_scalar
from .basic import permute_row_elements as permute_row_elements
from .basic import inverse_permutation as inverse_permutation
from .shape import reshape as reshape
from .shape import shape as shape
from .shape import shape_i as shape_i
from .subtensor import inc_subtensor as inc_subtensor
from .subtensor import set_subtensor as set_subtensor
from .subtensor import advanced_subtensor1 as advanced_subtensor1
from .subtensor import advanced_inc_subtensor1 as advanced_inc_subtensor1
from .subtensor import advanced_set_subtensor1 as advanced_set_subtensor1
from .subtensor import advanced_subtensor as advanced_subtensor
from .subtensor import advanced_inc_subtensor as advanced_inc_subtensor
from .subtensor import advanced_set_subtensor as advanced_set_subtensor
from .subtensor import take as take
from .special import logsumexp as logsumexp
from .special import softmax as softmax
from .special import log_softmax as log_softmax
from .extra_ops import cumsum as cumsum
from .extra_ops import cumprod as cumprod
from .extra_ops import repeat as repeat
from .extra_ops import squeeze as squeeze

__all__ = [
    "TensorVariable", "as_tensor_variable", "as_tensor", "constant", "flatten", "reshape", "shape", "shape_i",
    "inc_subtensor", "set_subtensor", "add", "sub", "mul", "true_div", "neg", "exp", "log", "tanh", "sqr", "pow",
    "sum", "dot", "transpose", "cast", "ones_like", "zeros_like", "lt", "gt", "le", "ge", "eq", "neq", "less",
    "greater", "less_equal", "greater_equal", "int_div", "floor_div", "mod", "abs", "abs_", "sgn", "and_", "or_",
    "xor", "invert", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "mean", "max", "softplus",
    "sigmoid", "log1p", "logsumexp", "exp2", "expm1", "log2", "log10", "sqrt", "reciprocal", "sin", "cos", "tan",
    "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "arcsinh", "arccosh", "arctanh", "deg2rad", "rad2deg",
    "erf", "erfc", "erfcx", "erfinv", "erfcinv", "gamma", "gammaln", "psi", "digamma", "tri_gamma", "log1mexp",
    "floor", "ceil", "trunc", "round_half_to_even", "round_half_away_from_zero", "round", "iround", "isnan",
    "isinf", "maximum", "minimum", "clip", "switch", "where", "second", "fill", "conjugate", "conj", "square",
    "expit", "log1pexp", "tensor", "TensorType", "scalar", "vector", "matrix", "row", "col", "tensor3", "tensor4",
    "bscalar", "bvector", "bmatrix", "brow", "bcol", "btensor3", "btensor4", "wscalar", "wvector", "wmatrix",
    "wrow", "wcol", "wtensor3", "wtensor4", "iscalar", "ivector", "imatrix", "irow", "icol", "itensor3", "itensor4",
    "lscalar", "lvector", "lmatrix", "lrow", "lcol", "ltensor3", "ltensor4", "fscalar", "fvector", "fmatrix",
    "frow", "fcol", "ftensor3", "ftensor4", "dscalar", "dvector", "dmatrix", "drow", "dcol", "dtensor3", "dtensor4",
    "cscalar", "cvector", "cmatrix", "crow", "ccol", "ctensor3", "ctensor4", "zscalar", "zvector", "zmatrix",
    "zrow", "zcol", "ztensor3", "ztensor4",
    "scalars", "vectors", "matrices", "rows", "cols", "tensor3s", "tensor4s", "fscalars", "fvectors", "fmatrices",
    "frows", "fcols", "ftensor3s", "ftensor4s", "dscalars", "dvectors", "dmatrices", "drows", "dcols", "dtensor3s",
    "dtensor4s", "iscalars", "ivectors", "imatrices", "irows", "icols", "itensor3s", "itensor4s", "lscalars",
    "lvectors", "lmatrices", "lrows", "lcols", "ltensor3s", "ltensor4s", "int_types", "float_types",
    "complex_types", "int_scalar_types", "float_scalar_types", "complex_scalar_types", "int_vector_types",
    "float_vector_types", "complex_vector_types", "int_matrix_types", "float_matrix_types", "complex_matrix_types",
    "softmax", "log_softmax", "prod", "var", "std", "min", "argmax",
    "argmin", "max_and_argmax", "all", "any", "matmul", "outer", "tensordot", "batched_dot", "dot", "cumsum",
    "cumprod", "alloc", "zeros", "ones", "eye", "identity_like", "tri", "tril", "triu", "join", "concatenate",
    "stack", "split", "arange", "diag", "roll", "tile", "specify_shape", "unbroadcast", "rebroadcast",
    "scalar_from_tensor", "tensor_from_scalar", "permute_row_elements", "inverse_permutation",
    "advanced_subtensor1", "advanced_inc_subtensor1", "advanced_set_subtensor1", "advanced_subtensor",
    "advanced_inc_subtensor", "advanced_set_subtensor", "take", "repeat", "squeeze",
]
