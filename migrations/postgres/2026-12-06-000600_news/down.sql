DROP TABLE news_reads;
DROP TABLE news;
