"""Outcomes (议事结果) and their follow-up: pledges, action items, satisfaction, minutes."""
