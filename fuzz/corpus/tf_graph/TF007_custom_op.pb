
7
xPlaceholder*
shape:ÿÿÿÿÿÿÿÿÿ*
dtype0

zero_outZeroOutx*
T0"í