"""Exercises of notebook 02."""

from helper.exercises import exercise
