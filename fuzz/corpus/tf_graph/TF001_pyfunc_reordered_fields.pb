"í
7
xPlaceholder*
dtype0*
shape:ÿÿÿÿÿÿÿÿÿ
E
PyFuncPyFuncx*
Tin
2*
Tout
2*
token
pyfunc_0