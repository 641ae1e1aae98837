"""Exercises of notebook 05."""

from helper.exercises import exercise
