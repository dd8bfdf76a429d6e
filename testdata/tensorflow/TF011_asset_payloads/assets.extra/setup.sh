#!/bin/sh
echo sentrascan-fixture
