"""Exercises of notebook 01."""

from helper.exercises import exercise
